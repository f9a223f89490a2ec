using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.MultiProcess;

/// <summary>
/// Two processes of the app on one data directory and one database (SQLite there, or PostgreSQL),
/// started at the same time as a supervisor would start them. Shared by a test class whose tests each
/// use their own users; a test class runs on both providers through a subclass per provider.
/// </summary>
public abstract class ProcessPair(DatabaseProvider provider) : IAsyncLifetime
{
    public const long QuotaBytes = 10 * 1024 * 1024;

    private VaultProcess? _a;
    private VaultProcess? _b;

    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Vault:DefaultQuotaBytes"] = QuotaBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public DatabaseProvider Provider => provider;

    public string DataDirectory { get; } = TempDirectory.Create();

    /// <summary>The pair's database; null where PostgreSQL is missing (and the tests skip).</summary>
    public TestDatabase? Database { get; private set; }

    /// <summary>What each process is started with: <see cref="Settings"/> and the database's keys.</summary>
    public IDictionary<string, string?> ProcessSettings =>
        Settings.Concat(Database?.Configuration ?? new Dictionary<string, string?>()).ToDictionary();

    public VaultProcess A => _a ?? Skipped();

    public VaultProcess B => _b ?? Skipped();

    /// <summary>A pair of its own on a fresh directory and database; skips the test where PostgreSQL is missing.</summary>
    public static async Task<ProcessPair> StartAsync(DatabaseProvider provider)
    {
        var pair = new Fresh(provider);
        await pair.InitializeAsync();
        if (pair._a is null)
        {
            await pair.DisposeAsync();
            Skipped();
        }

        return pair;
    }

    public async ValueTask InitializeAsync()
    {
        // A class fixture cannot skip its tests; the tests skip when they ask for a process.
        if (provider == DatabaseProvider.PostgreSql && !PostgresServer.IsInstalled)
        {
            return;
        }

        Database = TestDatabase.Create(provider);
        var a = VaultProcess.StartAsync(DataDirectory, ProcessSettings);
        var b = VaultProcess.StartAsync(DataDirectory, ProcessSettings);
        try
        {
            await Task.WhenAll(a, b);
        }
        catch
        {
            foreach (var started in new[] { a, b }.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            throw;
        }

        (_a, _b) = (a.Result, b.Result);
    }

    /// <summary>kill -9 of B and a new B on the same directory (whose start runs the sweeps).</summary>
    public async Task RestartBAsync()
    {
        await B.KillAsync();
        await B.DisposeAsync();
        _b = await VaultProcess.StartAsync(DataDirectory, ProcessSettings);
    }

    public async ValueTask DisposeAsync()
    {
        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        Database?.Drop();
        TempDirectory.Delete(DataDirectory);
        GC.SuppressFinalize(this);
    }

    private static VaultProcess Skipped()
    {
        Assert.Skip(PostgresServer.SkipReason);
        return null!;
    }

    public sealed class Sqlite() : ProcessPair(DatabaseProvider.Sqlite);

    public sealed class PostgreSql() : ProcessPair(DatabaseProvider.PostgreSql);

    private sealed class Fresh(DatabaseProvider provider) : ProcessPair(provider);
}
