using System.Net;
using System.Net.Sockets;
using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Data;

/// <summary>The database settings the app refuses to start with, and the health check that watches the database.</summary>
public sealed class DatabaseSettingsTests
{
    [Theory]
    [InlineData("Oracle")]
    [InlineData("1")]
    public void Start_WithAnUnknownProvider_StopsNamingTheSetting(string provider)
    {
        var refused = Assert.ThrowsAny<Exception>(() => new VaultApp(settings: new Dictionary<string, string?>
        {
            [VaultDatabase.ProviderKey] = provider,
        }));

        Assert.Contains($"{VaultDatabase.ProviderKey} is '{provider}'", Messages(refused), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Host=db.example;Flavour=strawberry")]
    [InlineData("Database=vault")]
    public void Start_OnPostgreSqlWithoutAUsableConnectionString_StopsNamingIt(string? connectionString)
    {
        var refused = Assert.ThrowsAny<Exception>(() => new VaultApp(settings: new Dictionary<string, string?>
        {
            [VaultDatabase.ProviderKey] = "PostgreSql",
            [VaultDatabase.ConnectionStringKey] = connectionString,
        }));

        Assert.Contains(VaultDatabase.ConnectionStringKey, Messages(refused), StringComparison.Ordinal);
    }

    [Fact]
    public void Start_OnAPostgreSqlServerThatDoesNotAnswer_StopsNamingTheConnectionStringButNotThePassword()
    {
        // A port nothing listens on: connections are refused at once.
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var refused = Assert.ThrowsAny<Exception>(() => new VaultApp(settings: new Dictionary<string, string?>
        {
            [VaultDatabase.ProviderKey] = "PostgreSql",
            [VaultDatabase.ConnectionStringKey] = $"Host=127.0.0.1;Port={port};Database=vault;Username=vault;Password=hunter2-secret;Timeout=5",
        }));

        var messages = Messages(refused);
        Assert.Contains($"Could not open the database that {VaultDatabase.ConnectionStringKey} names", messages, StringComparison.Ordinal);
        Assert.Contains($"Port={port};Database=vault", messages, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_OnPostgreSql_IsHealthyWhileTheDatabaseAnswers_AndUnhealthyOnceItIsGone()
    {
        var database = TestDatabase.Create(DatabaseProvider.PostgreSql);
        await using var app = new VaultApp(database: database);
        using var client = app.CreateBrowserClient();

        using var healthy = await client.GetAsync("health");
        database.Drop();
        using var gone = await client.GetAsync("health");

        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal("Healthy", await healthy.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, gone.StatusCode);
        Assert.Equal("Unhealthy", await gone.Content.ReadAsStringAsync());
    }

    private static string Messages(Exception e)
    {
        var messages = new List<string>();
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            messages.Add(current.Message);
        }

        return string.Join(" | ", messages);
    }
}
