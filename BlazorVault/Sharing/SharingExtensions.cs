using BlazorVault.Accounts;
using BlazorVault.Data;

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
        services.AddKeyedSingleton(LinkTokenService.Audience, (sp, _) => new SigningKeyRing(
            Path.Combine(sp.GetRequiredService<VaultPaths>().SubDirectory("keys"), "share-signing-keys.json"),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<LinkTokenService>();
        services.AddSingleton<ShareLinkService>();
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
