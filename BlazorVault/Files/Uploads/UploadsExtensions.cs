using Microsoft.AspNetCore.Authentication.JwtBearer;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Files.Uploads;

public static class UploadsExtensions
{
    /// <summary>Bearer token (API clients) or session cookie (the dashboard, which must add an antiforgery token).</summary>
    public const string UploadPolicy = "uploads";

    /// <summary>The rate limit of creating resumable uploads: per user, <c>Vault:Uploads:CreationsPerMinute</c>.</summary>
    public const string CreationRateLimit = "upload-creation";

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
        services.AddRateLimiter(options => options.AddPolicy(CreationRateLimit, context =>
        {
            var perMinute = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<UploadOptions>>().Value.CreationsPerMinute;
            // Per user (the policy runs after authentication); an unauthenticated request is refused before it counts.
            var user = context.User.Identity?.IsAuthenticated == true ? BlazorVault.Accounts.ClaimsPrincipalExtensions.GetUserId(context.User) : null;
            return RateLimitPartition.GetTokenBucketLimiter(
                "user:" + (user ?? context.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perMinute,
                    TokensPerPeriod = Math.Max(1, perMinute / 60),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                });
        }));
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
