using BlazorVault.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Npgsql;

namespace BlazorVault.Data;

public static class DataExtensions
{
    // pg_advisory_lock key for "migrations and start-up imports": any constant the app uses for nothing else.
    private const long StartupLockKey = 0x426c617a6f725631; // "BlazorV1"

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
        services.AddSingleton<ExpiredRowSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<ExpiredRowSweeper>());
        // Background jobs catch their own failures; should one slip through, it must not take the app down with it.
        services.Configure<HostOptions>(host => host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);

        services.AddVaultDatabase(VaultDatabase.Read(configuration));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContext());

        services.AddHealthChecks().AddDbContextCheck<VaultDbContext>("database");
        return services;
    }

    /// <summary>
    /// Registers <see cref="IDbContextFactory{VaultDbContext}"/> on the chosen provider. The factory serves
    /// services and interactive components (one context per operation, not per circuit). Pooled: a
    /// download's metadata lookup is the largest part of a small request, and reusing contexts measured
    /// 2-3x cheaper (bench/README.md).
    /// </summary>
    public static IServiceCollection AddVaultDatabase(this IServiceCollection services, VaultDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        services.AddSingleton(database);
        services.AddSingleton<WriteGate>();
        services.AddSingleton<ReadLanes>();
        // The model's Identity tables depend on it (version 3 adds the passkeys table): set where the database
        // is, so that every host of the context (the app, the tests' own) builds the model the migrations made.
        services.Configure<IdentityOptions>(identity => identity.Stores.SchemaVersion = IdentitySchemaVersions.Version3);
        if (database.Provider == DatabaseProvider.PostgreSql)
        {
            services.AddPooledDbContextFactory<PostgreSqlVaultDbContext>(options => options.UseNpgsql(database.ConnectionString));
            services.AddSingleton<IDbContextFactory<VaultDbContext>, PostgreSqlContexts>();
        }
        else
        {
#pragma warning disable EF1001 // See LeanSqliteConnection.
            services.AddPooledDbContextFactory<VaultDbContext>((sp, options) =>
                options.UseSqlite(sp.GetRequiredService<VaultPaths>().SqliteConnectionString())
                    .ReplaceService<ISqliteRelationalConnection, LeanSqliteConnection>());
#pragma warning restore EF1001
        }

        return services;
    }

    /// <summary>Creates and migrates the database; there is no separate set-up step.</summary>
    public static async Task InitializeVaultDataAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VaultDbContext>();
        var loggers = scope.ServiceProvider.GetRequiredService<ILoggerFactory>();
        await db.MigrateVaultAsync(scope.ServiceProvider.GetRequiredService<VaultDatabase>(), async () =>
        {
            await BlazorVault.Files.Tree.TreeBackfill.RunAsync(db, loggers.CreateLogger(typeof(BlazorVault.Files.Tree.TreeBackfill)));
            // Before anything reads the Data Protection key ring, which would otherwise make a new key and
            // end every session signed in before the upgrade.
            await LegacyDataProtectionKeys.ImportAsync(
                db,
                LegacyDataProtectionKeys.DirectoryFor(scope.ServiceProvider.GetRequiredService<VaultPaths>()),
                loggers.CreateLogger(typeof(LegacyDataProtectionKeys)));
        });
    }

    /// <summary>
    /// Applies the provider's migrations, then <paramref name="alsoOnce"/>, one app instance at a time: on
    /// PostgreSQL under a session advisory lock (instances starting together wait for each other), on SQLite
    /// under EF Core's own migration lock, the file being on one machine.
    /// </summary>
    public static async Task MigrateVaultAsync(this VaultDbContext db, VaultDatabase database, Func<Task>? alsoOnce = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(database);
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            await db.Database.MigrateAsync(cancellationToken);
            // WAL lets readers (downloads, the dashboard) proceed while an upload commits.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            if (alsoOnce is not null)
            {
                await alsoOnce();
            }

            return;
        }

        try
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }
        // EF Core wraps a failure it considers transient in an InvalidOperationException of its own.
        catch (Exception e) when ((e as NpgsqlException ?? e.InnerException as NpgsqlException) is { } failure)
        {
            throw new InvalidOperationException(
                $"Could not open the database that {VaultDatabase.ConnectionStringKey} names ({database.Describe()}): {failure.Message}", e);
        }

        try
        {
            // The lock belongs to this connection, which stays open until the end; closing it releases the lock too.
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({StartupLockKey})", cancellationToken);
            try
            {
                await db.Database.MigrateAsync(cancellationToken);
                if (alsoOnce is not null)
                {
                    await alsoOnce();
                }
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({StartupLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public static IEndpointRouteBuilder MapVaultHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health");
        return endpoints;
    }

    // The app asks for VaultDbContext only; on PostgreSQL the contexts it gets are the derived type.
    private sealed class PostgreSqlContexts(IDbContextFactory<PostgreSqlVaultDbContext> contexts) : IDbContextFactory<VaultDbContext>
    {
        public VaultDbContext CreateDbContext() => contexts.CreateDbContext();

        public async Task<VaultDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await contexts.CreateDbContextAsync(cancellationToken);
    }
}
