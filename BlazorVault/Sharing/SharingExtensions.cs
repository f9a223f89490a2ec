using BlazorVault.Accounts;

namespace BlazorVault.Sharing;

public static class SharingExtensions
{
    public static IServiceCollection AddSharing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ShareOptions>()
            .Bind(configuration.GetSection(ShareOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.DefaultLifetime <= o.MaxLifetime, "Vault:Links:DefaultLifetime must not exceed Vault:Links:MaxLifetime.")
            .ValidateOnStart();
        services.AddSigningKeyRing(LinkTokenService.Audience);
        services.AddSingleton<LinkTokenService>();
        services.AddSingleton<ShareLinkService>();
        services.AddSingleton<ShareUrls>();
        services.AddRateLimiter(SharedFileEndpoints.AddShareRateLimit);
        return services;
    }

    public static IEndpointRouteBuilder MapSharing(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapShareApi();
        endpoints.MapSharedFileDownload();
        return endpoints;
    }
}
