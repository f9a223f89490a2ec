using BlazorVault.Accounts;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Data;

public static class DataExtensions
{
    public static IServiceCollection AddVaultData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VaultOptions>()
            .Bind(configuration.GetSection(VaultOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<VaultPaths>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<InstanceIdentity>();
        services.AddSingleton<JobLeases>();
        services.AddHostedService<InstanceHeartbeat>();
        // Background jobs catch their own failures; should one slip through, it must not take the app down with it.
        services.Configure<HostOptions>(host => host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);

        // The factory serves services and interactive components (one context per operation, not per
        // circuit); the scoped context serves Identity. Pooled: a download's metadata lookup is the
        // largest part of a small request, and reusing contexts measured 2-3x cheaper (bench/README.md).
        services.AddPooledDbContextFactory<VaultDbContext>((sp, options) =>
            options.UseSqlite(sp.GetRequiredService<VaultPaths>().ConnectionString));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContext());

        services.AddHealthChecks().AddDbContextCheck<VaultDbContext>("database");
        return services;
    }

    /// <summary>Creates and migrates the database; there is no separate set-up step.</summary>
    public static async Task InitializeVaultDataAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VaultDbContext>();
        await db.Database.MigrateAsync();
        await BlazorVault.Files.Tree.TreeBackfill.RunAsync(db, scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BlazorVault.Files.Tree.TreeBackfill)));
        // WAL lets readers (downloads, the dashboard) proceed while an upload commits.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        // Before anything reads the Data Protection key ring, which would otherwise make a new key and
        // end every session signed in before the upgrade.
        await LegacyDataProtectionKeys.ImportAsync(
            db,
            LegacyDataProtectionKeys.DirectoryFor(scope.ServiceProvider.GetRequiredService<VaultPaths>()),
            scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LegacyDataProtectionKeys)));
    }

    public static IEndpointRouteBuilder MapVaultHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health");
        return endpoints;
    }
}
