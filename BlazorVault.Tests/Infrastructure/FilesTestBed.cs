using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Sharing;
using BlazorVault.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BlazorVault.Tests.Infrastructure;

/// <summary>
/// FileService over a real database (a SQLite file, or a fresh PostgreSQL database) and a real blob
/// store in a temporary data directory, without the web host: for tests of the service itself.
/// </summary>
public sealed class FilesTestBed : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private FilesTestBed(ServiceProvider services, string directory, TestDatabase database)
    {
        _services = services;
        DataDirectory = directory;
        Database = database;
    }

    public string DataDirectory { get; }

    public TestDatabase Database { get; }

    public FileService Files => _services.GetRequiredService<FileService>();

    public BlazorVault.Files.Tree.TreeService Tree => _services.GetRequiredService<BlazorVault.Files.Tree.TreeService>();

    public BlazorVault.Files.Tree.VersionService Versions => _services.GetRequiredService<BlazorVault.Files.Tree.VersionService>();

    public IBlobStore Blobs => _services.GetRequiredService<IBlobStore>();

    public IResumableStaging Staging => _services.GetRequiredService<IResumableStaging>();

    public BlobLedger Ledger => _services.GetRequiredService<BlobLedger>();

    public IDbContextFactory<VaultDbContext> Db => _services.GetRequiredService<IDbContextFactory<VaultDbContext>>();

    public ShareLinkService Links => _services.GetRequiredService<ShareLinkService>();

    public IServiceProvider Services => _services;

    /// <param name="settings">Configuration on top (<c>Vault:Storage:*</c> for another store, say).</param>
    public static async Task<FilesTestBed> CreateAsync(
        long maxUploadBytes = 1024 * 1024, long quotaBytes = 10 * 1024 * 1024, TimeProvider? clock = null, IDictionary<string, string?>? settings = null,
        DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        var database = TestDatabase.Create(provider);
        var directory = TempDirectory.Create();
        var options = new VaultOptions { DataDirectory = directory, MaxUploadBytes = maxUploadBytes, DefaultQuotaBytes = quotaBytes, Storage = { MinFreeBytes = 0 } };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        configuration.GetSection(VaultOptions.SectionName).Bind(options);
        var services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton<IHostEnvironment>(new TestHostEnvironment(directory))
            .AddSingleton(Options.Create(options))
            .AddSingleton<VaultPaths>()
            .AddSingleton(clock ?? TimeProvider.System)
            .AddSingleton<InstanceIdentity>()
            .AddSingleton<JobLeases>()
            .AddStorage(new ConfigurationBuilder().Build())
            .AddSingleton<BlazorVault.Files.Thumbnails.ThumbnailQueue>()
            .AddSingleton<BlazorVault.Files.Thumbnails.ThumbnailWorker>()
            .AddSingleton<FileService>()
            .AddSingleton<BlazorVault.Files.Tree.TreeService>()
            .AddSingleton<BlazorVault.Files.Tree.VersionService>()
            .AddSingleton<BlazorVault.Files.Tree.ZipDownload>()
            .AddSharing(new ConfigurationBuilder().Build())
            .AddVaultDatabase(database.Settings);
        services.AddOptions<BlazorVault.Files.Thumbnails.ThumbnailOptions>()
            .Bind(configuration.GetSection(BlazorVault.Files.Thumbnails.ThumbnailOptions.SectionName));
        var built = services.BuildServiceProvider();

        await using var db = await built.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync();
        await db.MigrateVaultAsync(database.Settings);
        // What the app's hosted services do at start.
        await built.GetRequiredKeyedService<SigningKeyRing>(LinkTokenService.Audience).InitializeAsync();
        return new FilesTestBed(built, directory, database);
    }

    /// <summary>Creates a user row (files reference their owner) and returns its id.</summary>
    public async Task<string> AddUserAsync(string userName)
    {
        await using var db = await _services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync();
        var user = new VaultUser { UserName = userName, NormalizedUserName = userName.ToUpperInvariant() };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }

    /// <summary>A user with one small file shared by a link: what rows about a link (its access log) need to point at.</summary>
    public async Task<Guid> AddSharedFileAsync(string userName)
    {
        var owner = await AddUserAsync(userName);
        var file = Assert.IsType<UploadResult.Stored>(await Files.UploadAsync(owner, "a.txt", "text/plain", new MemoryStream("a"u8.ToArray()))).File;
        return Assert.IsType<CreateLinkResult.Created>(await Links.CreateAsync(owner, file.Id, TimeSpan.FromDays(1), null)).Link.Id;
    }

    public async Task<int> CountRowsAsync()
    {
        await using var db = await _services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync();
        return await db.Files.CountAsync();
    }

    public string[] BlobFiles() => FilesUnder("blobs");

    /// <summary>Scratch files of writes, without the instance's own liveness lock file.</summary>
    public string[] TempFiles() => [.. FilesUnder("tmp").Where(path => Path.GetFileName(path) != ".alive")];

    private string[] FilesUnder(string folder)
    {
        var path = Path.Combine(DataDirectory, folder);
        return Directory.Exists(path) ? Directory.GetFiles(path, "*", SearchOption.AllDirectories) : [];
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Database.Drop();
        TempDirectory.Delete(DataDirectory);
    }

    private sealed class TestHostEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";

        public string ApplicationName { get; set; } = "BlazorVault";

        public string ContentRootPath { get; set; } = root;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } =
            new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
