using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Sharing;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BlazorVault.Tests.Accounts;

/// <summary>
/// Two <see cref="VaultApp"/> instances running at once on one data directory share one database
/// (SQLite or PostgreSQL) and stand for two app processes; a suite with separate OS processes exists elsewhere.
/// </summary>
public abstract class SharedKeysTests(DatabaseProvider provider) : IAsyncLifetime
{
    private readonly string _directory = TempDirectory.Create();
    private TestDatabase _database = null!;
    private VaultApp _a = null!;
    private VaultApp _b = null!;

    public ValueTask InitializeAsync()
    {
        _database = TestDatabase.Create(provider);
        _a = new VaultApp(_directory, database: _database);
        _b = new VaultApp(_directory, database: _database);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_b is not null)
        {
            await _a.DisposeAsync();
            await _b.DisposeAsync();
            _database.Drop();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        TempDirectory.Delete(_directory);
    }

    [Fact]
    public async Task ApiToken_SignedByOneInstanceWithAKeyMadeAfterTheOtherLoadedItsKeys_IsAcceptedByTheOther()
    {
        using var onA = _a.CreateBrowserClient();
        using var onB = _b.CreateBrowserClient();
        await onA.RegisterAsync("alice");
        var before = await GetTokenAsync(onA, "alice");
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(onB, before)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(onA, await GetTokenAsync(onB, "alice"))).StatusCode);

        _a.Services.GetRequiredKeyedService<SigningKeyRing>(ApiTokenService.Audience).Rotate(TimeSpan.FromHours(1));
        var after = await GetTokenAsync(onA, "alice");

        Assert.NotEqual(new JsonWebToken(before).Kid, new JsonWebToken(after).Kid);
        using var me = await GetMeAsync(onB, after);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains("\"userName\":\"alice\"", await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(onB, before)).StatusCode);
    }

    [Fact]
    public async Task ApiToken_WithUnknownKids_IsRefusedWithoutAReloadPerRequest()
    {
        using var reloads = new MetricCollector<long>(
            _b.Services.GetRequiredService<IMeterFactory>(), SigningKeyRing.MeterName, SigningKeyRing.ReloadsInstrument);
        using var onB = _b.CreateBrowserClient();
        var elapsed = Stopwatch.StartNew();

        for (var i = 0; i < 40; i++)
        {
            var forged = Forge(new SymmetricSecurityKey(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray()) { KeyId = "forged-" + i });
            using var response = await GetMeAsync(onB, forged);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var unknownKeyReloads = reloads.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["reason"], "unknown-key"))
            .Sum(m => m.Value);
        Assert.InRange(unknownKeyReloads, 1, (long)(elapsed.Elapsed / SigningKeyRing.UnknownKeyReloadInterval) + 1);
    }

    [Fact]
    public async Task ShareLink_DownloadGrantMintedOnOneInstanceAfterARotation_DownloadsOnTheOther()
    {
        using var alice = await FilesTestClient.CreateAsync(_a);
        var bytes = FilesTestClient.RandomBytes(50_000);
        var file = await alice.UploadAsync("notes.txt", bytes, "text/plain");
        var link = await CreateLinkAsync(alice, file.Id);
        using var visitor = _b.CreateBrowserClient();
        var before = await GrantOnAAsync(link);
        // B has served a grant, so it holds the keys it knew then.
        await AssertDownloadsOnBAsync(visitor, before, bytes);

        _a.Services.GetRequiredKeyedService<SigningKeyRing>(LinkTokenService.Audience).Rotate(TimeSpan.FromDays(30));
        var after = await GrantOnAAsync(link);

        Assert.NotEqual(KidOf(before), KidOf(after));
        await AssertDownloadsOnBAsync(visitor, after, bytes);
        await AssertDownloadsOnBAsync(visitor, before, bytes);
    }

    /// <summary>A's answer to the link's download: a redirect carrying a download grant A signed.</summary>
    private async Task<Uri> GrantOnAAsync(Uri link)
    {
        using var onA = _a.CreateBrowserClient();
        using var redirect = await onA.GetAsync(new Uri(_a.BaseAddress, link.PathAndQuery + "/download"));
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        return new Uri(_a.BaseAddress, redirect.Headers.Location!);
    }

    private async Task AssertDownloadsOnBAsync(HttpClient visitor, Uri grant, byte[] bytes)
    {
        using var download = await visitor.GetAsync(new Uri(_b.BaseAddress, grant.PathAndQuery));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task SessionCookie_FromSigningInOnOneInstance_OpensTheDashboardOnTheOther()
    {
        using var onA = _a.CreateBrowserClient();
        await onA.RegisterAsync("alice");
        using var signedIn = await onA.SignInAsync("alice");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = SessionCookieOf(signedIn);

        using var dashboard = await GetDashboardAsync(_b, session);
        using var forged = await GetDashboardAsync(_b, session[..^4] + "AAAA");

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Matches("data-testid=\"nav-user\"[^>]*>alice<", await dashboard.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, forged.StatusCode);
        Assert.StartsWith("/login", _b.PathOf(forged.Headers.Location), StringComparison.Ordinal);
        // Shared through the database, not through the data directory.
        Assert.False(Directory.Exists(Path.Combine(_directory, "data-protection-keys")));
        await using var db = await _a.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync();
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync());
    }

    internal static VaultDbContext OpenDatabase(string directory) =>
        new(new DbContextOptionsBuilder<VaultDbContext>().UseSqlite($"Data Source={Path.Combine(directory, "vault.db")}").Options);

    internal static string SessionCookieOf(HttpResponseMessage signedIn)
    {
        var setCookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("BlazorVault.Session=", StringComparison.Ordinal));
        return setCookie["BlazorVault.Session=".Length..setCookie.IndexOf(';', StringComparison.Ordinal)];
    }

    /// <summary>GET / with only the session cookie: no cookie container, so nothing else carries over.</summary>
    internal static async Task<HttpResponseMessage> GetDashboardAsync(VaultApp app, string session)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", "BlazorVault.Session=" + session);
        return await client.SendAsync(request);
    }

    internal static async Task<string> GetTokenAsync(HttpClient client, string userName)
    {
        using var response = await client.PostAsJsonAsync("api/token", new { userName, password = FormClient.DefaultPassword });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    internal static Task<HttpResponseMessage> GetMeAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    /// <summary>A token signed with <paramref name="key"/>; for <paramref name="user"/>, one the app accepts when the key is its own.</summary>
    internal static string Forge(SecurityKey key, VaultUser? user = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "BlazorVault",
            Audience = ApiTokenService.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, user?.Id ?? "someone"),
                new Claim(JwtRegisteredClaimNames.Name, user?.UserName ?? "alice"),
                new Claim(ApiTokenService.StampClaim, ApiTokenService.StampDigest(user?.SecurityStamp)),
            ]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    private static async Task<Uri> CreateLinkAsync(FilesTestClient owner, Guid fileId)
    {
        using var response = await owner.Api.PostAsJsonAsync($"api/files/{fileId}/links", new { });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return new Uri(json.RootElement.GetProperty("url").GetString()!);
    }

    private static string? KidOf(Uri grant) => new JsonWebToken(System.Web.HttpUtility.ParseQueryString(grant.Query)["token"]).Kid;

    public sealed class OnSqlite() : SharedKeysTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : SharedKeysTests(DatabaseProvider.PostgreSql);
}
