using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Files.Uploads;

public static class UploadsExtensions
{
    /// <summary>Bearer token (API clients) or session cookie (the dashboard, which must add an antiforgery token).</summary>
    public const string UploadPolicy = "uploads";

    public static IServiceCollection AddUploads(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UploadOptions>()
            .BindConfiguration(UploadOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<TusUploadService>();
        services.AddHostedService<UploadExpirySweeper>();
        // Scoped is per circuit, like the upload queue it serves.
        services.AddScoped<BrowserTusUploader>();
        services.AddAuthorizationBuilder()
            .AddPolicy(UploadPolicy, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme, IdentityConstants.ApplicationScheme)
                .RequireAuthenticatedUser());
        return services;
    }

    public static IEndpointRouteBuilder MapUploads(this IEndpointRouteBuilder endpoints) => endpoints.MapTusEndpoints();
}
