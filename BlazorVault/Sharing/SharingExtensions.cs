using BlazorVault.Accounts;
using BlazorVault.Notifications;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BlazorVault.Sharing;

public static class SharingExtensions
{
    public static IServiceCollection AddSharing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ShareOptions>()
            .Bind(configuration.GetSection(ShareOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.DefaultLifetime <= o.MaxLifetime, "Vault:Links:DefaultLifetime must not exceed Vault:Links:MaxLifetime.")
            .Validate(
                o => o.PasswordTriesPerAddress * 2 < o.PasswordFailuresBeforePause,
                "Vault:Links:PasswordTriesPerAddress must be less than half of Vault:Links:PasswordFailuresBeforePause, so that one address cannot pause a link alone.")
            .ValidateOnStart();
        services.AddSigningKeyRing(LinkTokenService.Audience);
        services.AddSingleton<LinkTokenService>();
        services.AddSingleton<ShareLinkService>();
        services.AddSingleton<ShareUrls>();
        services.TryAddSingleton<DecoyPasswordHash>();
        services.AddSingleton<LinkPasswords>();
        services.AddSingleton<ShareAccessLog>();
        services.AddHostedService<ShareAccessLogWriter>();
        services.AddSingleton<DownloadTally>();
        services.AddSingleton<LimitedDownloadCounts>();
        services.AddHostedService<DownloadTallyWriter>();
        services.AddSingleton<ShareAccessPurger>();
        services.AddHostedService(sp => sp.GetRequiredService<ShareAccessPurger>());
        services.AddRateLimiter(SharedFileEndpoints.AddShareRateLimit);
        services.AddNotifications();
        return services;
    }

    public static IEndpointRouteBuilder MapSharing(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapShareApi();
        endpoints.MapSharedFileDownload();
        endpoints.MapSharedViews();
        endpoints.MapSharedFolders();
        endpoints.MapFileRequests();
        endpoints.MapNotifications();
        return endpoints;
    }
}
