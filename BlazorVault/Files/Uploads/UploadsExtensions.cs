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
        services.AddSingleton<UploadExpirySweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<UploadExpirySweeper>());
        // Scoped is per circuit, like the upload queue it serves.
        services.AddScoped<BrowserTusUploader>();
        services.AddAuthorizationBuilder()
            .AddPolicy(UploadPolicy, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme, IdentityConstants.ApplicationScheme)
                .RequireAuthenticatedUser());
        return services;
    }

    /// <summary>
    /// tus wants <c>Tus-Resumable</c> on every response, also those that never reach an endpoint
    /// (401 from authentication, 429 from rate limiting): so it is set here, before those run.
    /// </summary>
    public static IApplicationBuilder UseUploads(this IApplicationBuilder app) =>
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(TusEndpoints.Prefix),
            branch => branch.Use((context, next) =>
            {
                context.Response.OnStarting(
                    static state =>
                    {
                        ((HttpResponse)state).Headers["Tus-Resumable"] = TusEndpoints.Version;
                        return Task.CompletedTask;
                    },
                    context.Response);
                return next(context);
            }));

    public static IEndpointRouteBuilder MapUploads(this IEndpointRouteBuilder endpoints) => endpoints.MapTusEndpoints();
}
