using System.Net;
using BlazorVault.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace BlazorVault.Tests.Infrastructure;

/// <summary>
/// The real app on Kestrel over loopback, with its own temporary data directory and SQLite file, or a
/// PostgreSQL database (<see cref="TestDatabase"/>, which the caller owns). Two instances given the same
/// directory (and database) behave like one installation restarted; given the same port too, a browser
/// left open on the first one finds the second where the first was.
/// </summary>
public sealed class VaultApp : WebApplicationFactory<Program>
{
    private readonly bool _ownsDirectory;
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="services">Replaces app services after the app registered its own (a fake clock, say).</param>
    /// <param name="port">0 (the default) for any free port; another number to come back on a known one.</param>
    /// <param name="database">The installation's database; SQLite in the data directory when null.</param>
    public VaultApp(
        string? dataDirectory = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, int port = 0,
        TestDatabase? database = null)
    {
        Database = database ?? TestDatabase.Sqlite;
        _services = services;
        _ownsDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? TempDirectory.Create();
        _settings = new Dictionary<string, string?>
        {
            ["Vault:DataDirectory"] = DataDirectory,
            // Fast hashes: the tests are about behaviour, bench/ is about cost.
            ["Vault:Passwords:BcryptWorkFactor"] = "4",
            ["Vault:RateLimits:AuthPermitsPerMinute"] = "1000",
            // Tests are about behaviour, not about how full the machine's disk happens to be.
            ["Vault:Storage:MinFreeBytes"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",
        };
        foreach (var (key, value) in Database.Configuration.Concat(settings ?? new Dictionary<string, string?>()))
        {
            _settings[key] = value;
        }

        UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        StartServer();
        // A setting the app did not see would run a PostgreSQL test on SQLite, and pass for the wrong reason.
        var used = Services.GetRequiredService<VaultDatabase>();
        if (used.Provider != Database.Provider)
        {
            throw new InvalidOperationException($"The app runs on {used.Provider}, not on {Database}.");
        }
    }

    public string DataDirectory { get; }

    public TestDatabase Database { get; }

    public Uri BaseAddress => new(Services.GetRequiredService<IServer>().Features
        .GetRequiredFeature<IServerAddressesFeature>().Addresses.First() + "/");

    /// <summary>The path and query of a redirect target on this app; the full URL for any other host.</summary>
    public string? PathOf(Uri? location)
    {
        if (location is null)
        {
            return null;
        }

        var absolute = new Uri(BaseAddress, location);
        return absolute.Authority == BaseAddress.Authority ? absolute.PathAndQuery : absolute.AbsoluteUri;
    }

    /// <summary>A browser-like client: keeps cookies, does not follow redirects.</summary>
    public HttpClient CreateBrowserClient() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = BaseAddress,
        };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        // Outside Development the host serves only wwwroot/; blazor.web.js and the scoped CSS come
        // from the build's static web assets manifest, which a browser needs and HTTP tests never asked for.
        builder.UseStaticWebAssets();
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddTransient<IStartupFilter, TestClientAddress>());
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Database.ConnectionString is { } connectionString)
        {
            // Idle pooled connections would otherwise hold the server's connection slots for minutes.
            using var connection = new Npgsql.NpgsqlConnection(connectionString);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }

        if (_ownsDirectory)
        {
            TempDirectory.Delete(DataDirectory);
        }
    }
}

public static class TempDirectory
{
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "blazorvault-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a background task; the OS temp cleaner will take it.
        }
    }
}
