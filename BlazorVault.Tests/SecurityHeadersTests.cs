using System.Net;
using System.Text.Json;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BlazorVault.Tests;

public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private readonly VaultApp _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Theory]
    [InlineData("login")]
    [InlineData("register")]
    [InlineData("logout")]
    [InlineData("no/such/page")]
    public async Task HtmlPage_SendsTheSecurityHeaders(string path)
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.GetAsync(path);

        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        AssertPageHeaders(response, "same-origin");
    }

    [Fact]
    public async Task Dashboard_AndTrash_SendTheSecurityHeaders()
    {
        using var user = await FilesTestClient.CreateAsync(_app);

        foreach (var path in new[] { "/", "/trash" })
        {
            using var response = await user.Browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertPageHeaders(response, "same-origin");
        }
    }

    [Fact]
    public async Task SharePage_SendsNoReferrer_AlsoWhenTheLinkIsUnknown()
    {
        using var user = await FilesTestClient.CreateAsync(_app);
        var file = await user.UploadAsync("a.txt", "shared"u8.ToArray());
        using var created = await user.Api.PostAsJsonAsync($"api/files/{file.Id}/links", new { });
        created.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var url = new Uri(body.RootElement.GetProperty("url").GetString()!);

        using var anonymous = _app.CreateBrowserClient();
        using var page = await anonymous.GetAsync(url.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        AssertPageHeaders(page, "no-referrer");

        using var redirect = await anonymous.GetAsync(url.PathAndQuery + "/download");
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal("no-referrer", Header(redirect, "Referrer-Policy"));
        using var download = await anonymous.GetAsync(redirect.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("no-referrer", Header(download, "Referrer-Policy"));

        using var unknown = await anonymous.GetAsync("s/not-a-token");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        AssertPageHeaders(unknown, "no-referrer");
    }

    [Fact]
    public async Task Https_SendsHsts_AndPlainHttpDoesNot()
    {
        using (var plain = _app.CreateBrowserClient())
        {
            using var response = await plain.GetAsync("login");
            Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        }

        // The in-memory host answers as the address it is given: here a real name over HTTPS.
        var directory = TempDirectory.Create();
        try
        {
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
                .UseEnvironment("Production")
                .UseSetting("Vault:DataDirectory", directory)
                .UseSetting("Logging:LogLevel:Default", "Warning"));
            using var secure = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://vault.example/"), AllowAutoRedirect = false });
            using var response = await secure.GetAsync("login");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("max-age=", Header(response, "Strict-Transport-Security"), StringComparison.Ordinal);
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    private static void AssertPageHeaders(HttpResponseMessage response, string referrerPolicy)
    {
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal(referrerPolicy, Header(response, "Referrer-Policy"));
        Assert.Contains("camera=()", Header(response, "Permissions-Policy"), StringComparison.Ordinal);

        var csp = Header(response, "Content-Security-Policy").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d.Split(' ', 2))
            .ToDictionary(d => d[0], d => d.Length > 1 ? d[1] : "");
        Assert.Equal("'self'", csp["default-src"]);
        Assert.Equal("'self'", csp["script-src"]);
        Assert.Equal("'self'", csp["connect-src"]);
        Assert.Equal("'none'", csp["frame-ancestors"]);
        Assert.Equal("'none'", csp["object-src"]);
        Assert.DoesNotContain(csp.Values, v => v.Contains("unsafe-eval", StringComparison.Ordinal));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : "";
}
