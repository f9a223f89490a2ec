using System.Security.Claims;
using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Files.Uploads;
using Microsoft.AspNetCore.Components.Forms;
using BlazorVault.Sharing;
using BlazorVault.Storage;
using Bunit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace BlazorVault.Tests.Infrastructure;

/// <summary>
/// The app's real file stack inside a bUnit context: its own temporary data directory, a migrated
/// database (the SQLite file there, or a fresh PostgreSQL database), the file-system blob store and <see cref="FileService"/>, registered through the
/// same <c>AddVaultData</c> / <c>AddStorage</c> / <c>AddFiles</c> calls as <c>Program.cs</c>.
/// Register in the test's constructor, then await <see cref="InitializeAsync"/> before rendering.
/// The directory is removed when the context is disposed.
/// </summary>
public sealed class VaultServices
{
    public const string UserId = "7d1f6f0e-2b4c-4c59-9c7e-5b8a0b1a1111";
    public const string UserName = "alice";

    private readonly BunitContext _context;

    private VaultServices(BunitContext context, string dataDirectory)
    {
        _context = context;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public string BlobDirectory => Path.Combine(DataDirectory, "blobs");

    public FileService Files => _context.Services.GetRequiredService<FileService>();

    public static VaultServices Register(
        BunitContext context, long maxUploadBytes = 1024 * 1024, long quotaBytes = 10 * 1024 * 1024, DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        ArgumentNullException.ThrowIfNull(context);
        var database = TestDatabase.Create(provider);
        var directory = TempDirectory.Create();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(database.Configuration)
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Vault:DataDirectory"] = directory,
                ["Vault:MaxUploadBytes"] = maxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Vault:DefaultQuotaBytes"] = quotaBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // Tests are about behaviour, not about how full the machine's disk happens to be.
                ["Vault:Storage:MinFreeBytes"] = "0",
            })
            .Build();

        var services = context.Services;
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new TestHostEnvironment(directory));
        services.AddVaultData(configuration);
        services.AddStorage(configuration);
        services.AddFiles(configuration);
        services.AddUploads(configuration);
        // The dashboard hands its upload script an antiforgery token; the real provider needs an HTTP request.
        services.AddScoped<AntiforgeryStateProvider, FixedAntiforgeryStateProvider>();
        services.AddSharing(configuration);
        // Created by the container, so the container disposes it (last, as it is resolved first).
        services.AddSingleton(_ => new DirectoryLease(directory, database));

        context.AddAuthorization()
            .SetAuthorized(UserName)
            .SetClaims(new Claim(ClaimTypes.NameIdentifier, UserId));
        return new VaultServices(context, directory);
    }

    /// <summary>Migrates the database and adds the signed-in user, whom file rows reference.</summary>
    public async Task InitializeAsync()
    {
        _context.Services.GetRequiredService<DirectoryLease>();
        var factory = _context.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        await db.MigrateVaultAsync(_context.Services.GetRequiredService<VaultDatabase>());
        db.Users.Add(new VaultUser
        {
            Id = UserId,
            UserName = UserName,
            NormalizedUserName = UserName.ToUpperInvariant(),
            SecurityStamp = Guid.NewGuid().ToString(),
        });
        await db.SaveChangesAsync();
        // The app loads its key rings at start (a hosted service); bUnit starts no host.
        await _context.Services.GetRequiredKeyedService<SigningKeyRing>(LinkTokenService.Audience).InitializeAsync();
    }

    /// <summary>Stores a file the way an upload does, for tests that start with files in place.</summary>
    public async Task<FileItem> SeedAsync(string name, byte[] content)
    {
        using var stream = new MemoryStream(content);
        var result = await Files.UploadAsync(UserId, name, null, stream);
        return Assert.IsType<UploadResult.Stored>(result).File;
    }

    public async Task<IReadOnlyList<FileItem>> ListAsync() =>
        (await Files.ListAsync(UserId, new FileQuery(Take: FileService.MaxPageSize))).Items;

    /// <summary>Blob files on disk, wherever they are: what must not be left behind by a refused upload.</summary>
    public IReadOnlyList<string> BlobFiles() =>
        Directory.Exists(BlobDirectory) ? Directory.GetFiles(BlobDirectory, "*", SearchOption.AllDirectories) : [];

    private sealed class TestHostEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "BlazorVault";

        public string ContentRootPath { get; set; } = contentRoot;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private sealed class DirectoryLease(string path, TestDatabase database) : IDisposable
    {
        public void Dispose()
        {
            // Pooled connections keep the database file open.
            SqliteConnection.ClearAllPools();
            database.Drop();
            TempDirectory.Delete(path);
        }
    }

    private sealed class FixedAntiforgeryStateProvider : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new("test-token", "__RequestVerificationToken");
    }
}
