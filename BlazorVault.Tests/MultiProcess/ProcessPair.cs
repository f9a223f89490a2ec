using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.MultiProcess;

/// <summary>
/// Two processes of the app on one data directory and one database (SQLite there, or PostgreSQL),
/// started at the same time as a supervisor would start them; or, with a bucket, two machines' worth:
/// one PostgreSQL database, one S3 bucket, and a data directory (scratch only) each. Shared by a test
/// class whose tests each use their own users; a test class runs on each setup through a subclass.
/// </summary>
public abstract class ProcessPair(DatabaseProvider provider, S3Server? s3 = null) : IAsyncLifetime
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

    /// <summary>B's data directory: A's own, unless the bytes are in a bucket (then each process has its own scratch).</summary>
    public string DataDirectoryB { get; } = s3 is null ? "" : TempDirectory.Create();

    /// <summary>Whether both processes use one data directory (the file-system store).</summary>
    public bool SharesDataDirectory => s3 is null;

    private Dictionary<string, string?> _bucket = [];

    /// <summary>The pair's database; null where PostgreSQL is missing (and the tests skip).</summary>
    public TestDatabase? Database { get; private set; }

    /// <summary>What each process is started with: <see cref="Settings"/> and the database's keys.</summary>
    public IDictionary<string, string?> ProcessSettings
    {
        get
        {
            var settings = new Dictionary<string, string?>(Settings);
            foreach (var (key, value) in (Database?.Configuration ?? new Dictionary<string, string?>()).Concat(_bucket).Concat(_extra))
            {
                settings[key] = value;
            }

            return settings;
        }
    }

    private IReadOnlyDictionary<string, string?> _extra = new Dictionary<string, string?>();

    private string DirectoryOfB => SharesDataDirectory ? DataDirectory : DataDirectoryB;

    public VaultProcess A => _a ?? Skipped();

    public VaultProcess B => _b ?? Skipped();

    /// <summary>A pair of its own set up like this one, on a fresh directory, database (and bucket); skips the test where a server is missing.</summary>
    /// <param name="extra">Settings on top of <see cref="Settings"/> (a larger quota, say).</param>
    public async Task<ProcessPair> StartFreshAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var pair = new Fresh(provider, s3) { _extra = extra ?? new Dictionary<string, string?>() };
        await pair.InitializeAsync();
        if (pair._a is null)
        {
            await pair.DisposeAsync();
            pair.Skipped();
        }

        return pair;
    }

    public async ValueTask InitializeAsync()
    {
        // A class fixture cannot skip its tests; the tests skip when they ask for a process.
        if (provider == DatabaseProvider.PostgreSql && !PostgresServer.IsInstalled || s3 is not null && !S3Server.IsAvailable)
        {
            return;
        }

        if (s3 is not null)
        {
            _bucket = await s3.NewBucketSettingsAsync("pair");
        }

        Database = TestDatabase.Create(provider);
        var a = VaultProcess.StartAsync(DataDirectory, ProcessSettings);
        var b = VaultProcess.StartAsync(DirectoryOfB, ProcessSettings);
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
        _b = await VaultProcess.StartAsync(DirectoryOfB, ProcessSettings);
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
        if (!SharesDataDirectory)
        {
            TempDirectory.Delete(DataDirectoryB);
        }

        GC.SuppressFinalize(this);
    }

    private VaultProcess Skipped()
    {
        Assert.Skip(s3 is not null && !S3Server.IsAvailable ? S3Server.SkipReason : PostgresServer.SkipReason);
        return null!;
    }

    public sealed class Sqlite() : ProcessPair(DatabaseProvider.Sqlite);

    public sealed class PostgreSql() : ProcessPair(DatabaseProvider.PostgreSql);

    /// <summary>Two machines' worth: one PostgreSQL database, one bucket, a scratch directory each.</summary>
    public sealed class PostgreSqlAndS3(S3Server s3) : ProcessPair(DatabaseProvider.PostgreSql, s3);

    private sealed class Fresh(DatabaseProvider provider, S3Server? s3) : ProcessPair(provider, s3);
}
