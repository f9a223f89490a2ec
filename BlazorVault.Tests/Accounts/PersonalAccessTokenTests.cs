using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BlazorVault.Accounts;
using BlazorVault.Accounts.Tokens;
using BlazorVault.Data;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using static BlazorVault.Tests.Accounts.AccountPageClient;

namespace BlazorVault.Tests.Accounts;

/// <summary>Personal access tokens: made on the account page, shown once, stored hashed, scoped, expiring, revocable.</summary>
public abstract class PersonalAccessTokenTests(SharedVaultApp shared)
{
    private static readonly ApiScopes[] AllScopes = [ApiScopes.Read, ApiScopes.Write, ApiScopes.Share];

    private VaultApp App => shared.App;

    [Fact]
    public async Task TokenMadeOnTheAccountPage_IsShownOnce_WorksAsBearer_AndIsStoredOnlyAsItsHash()
    {
        using var user = await FilesTestClient.CreateAsync(App);

        using var created = await user.Browser.CreateTokenFormAsync("laptop sync", "30", "read", "write");

        // A redirect, so that a reload makes no second token; the secret rides along once, protected.
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/account", App.PathOf(created.Headers.Location));
        Assert.Null(SecretOn(await created.Content.ReadAsStringAsync()));
        Assert.Null(SecretOn(string.Join(";", created.Headers.GetValues("Set-Cookie"))));
        using var shown = await user.Browser.GetAsync("account");
        var html = await shown.Content.ReadAsStringAsync();
        var secret = SecretOn(html);
        Assert.NotNull(secret);
        Assert.Equal("laptop sync", Parse(html).QuerySelector("[data-testid=new-token] strong")!.TextContent);
        using (var pat = BearerClient(App, secret))
        using (var me = await pat.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            using var body = JsonDocument.Parse(await me.Content.ReadAsStringAsync());
            Assert.Equal(user.UserName, body.RootElement.GetProperty("userName").GetString());
        }

        // Never again: not on the next load of the page.
        var page = await user.Browser.AccountPageAsync();
        Assert.Null(SecretOn(page.DocumentElement.OuterHtml));
        var row = Assert.Single(page.QuerySelectorAll("[data-testid=token]"));
        Assert.Equal("laptop sync", row.QuerySelector("[data-testid=token-name]")!.TextContent);
        Assert.Equal(["read", "write"], row.QuerySelectorAll("[data-testid=token-scope]").Select(s => s.TextContent));
        Assert.Contains("…" + secret[^4..], row.TextContent, StringComparison.Ordinal);

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<VaultDbContext>().AccessTokens.AsNoTracking()
                .SingleAsync(t => t.UserId == scope.ServiceProvider.GetRequiredService<VaultDbContext>().Users.Single(u => u.UserName == user.UserName).Id);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), stored.Hash);
            Assert.Equal(ApiScopes.Read | ApiScopes.Write, stored.Scopes);
            Assert.Equal(DateTimeOffset.UtcNow.AddDays(30), stored.ExpiresAt!.Value, TimeSpan.FromMinutes(1));
        }

        if (App.Database.Provider == DatabaseProvider.Sqlite)
        {
            // Not the secret, nor its random part, anywhere in the database's files.
            var random = Encoding.ASCII.GetBytes(secret[PersonalAccessTokens.Prefix.Length..]);
            foreach (var file in Directory.GetFiles(App.DataDirectory, "*.db*"))
            {
                using var copy = new MemoryStream();
                await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                {
                    await stream.CopyToAsync(copy);
                }

                Assert.True(copy.ToArray().AsSpan().IndexOf(random) < 0, $"{Path.GetFileName(file)} holds the token's secret");
            }
        }
    }

    [Fact]
    public async Task TokenForm_WithoutANameOrScope_SaysWhatIsMissing_AndMakesNoToken()
    {
        using var user = await FilesTestClient.CreateAsync(App);

        using var unnamed = await user.Browser.CreateTokenFormAsync("  ", "30", "read");
        using var unscoped = await user.Browser.CreateTokenFormAsync("script", "30");
        using var badExpiry = await user.Browser.CreateTokenFormAsync("script", "forever", "read");

        Assert.Contains("Give the token a name", Parse(await unnamed.Content.ReadAsStringAsync()).QuerySelector("#token-name-error")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("at least one scope", Parse(await unscoped.Content.ReadAsStringAsync()).QuerySelector("#token-scopes-error")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("expires", Parse(await badExpiry.Content.ReadAsStringAsync()).QuerySelector("#token-expiry-error")!.TextContent, StringComparison.Ordinal);
        Assert.Empty((await user.Browser.AccountPageAsync()).QuerySelectorAll("[data-testid=token]"));
    }

    [Fact]
    public async Task RevokedToken_Is401AtOnce_AndAnotherUsersTokenCannotBeRevoked()
    {
        using var user = await FilesTestClient.CreateAsync(App);
        using var stranger = await FilesTestClient.CreateAsync(App);
        var (token, secret) = await CreateTokenAsync(App, user.UserName, ApiScopes.Read);
        using var pat = BearerClient(App, secret);
        await AssertStatusAsync(HttpStatusCode.OK, pat, "api/me");

        using var foreign = await stranger.Browser.RevokeTokenFormAsync(token.Id);
        Assert.Equal(HttpStatusCode.OK, foreign.StatusCode);
        Assert.Contains("already revoked", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertStatusAsync(HttpStatusCode.OK, pat, "api/me");

        using var revoked = await user.Browser.RevokeTokenFormAsync(token.Id);

        Assert.Equal("/account?done=revoked", App.PathOf(revoked.Headers.Location));
        await AssertStatusAsync(HttpStatusCode.Unauthorized, pat, "api/me");
        await AssertStatusAsync(HttpStatusCode.Unauthorized, pat, "api/files");
        Assert.Empty((await user.Browser.AccountPageAsync()).QuerySelectorAll("[data-testid=token]"));
    }

    [Fact]
    public async Task ExpiredToken_Is401_AndShowsAsExpired()
    {
        using var user = await FilesTestClient.CreateAsync(App);
        var (token, secret) = await CreateTokenAsync(App, user.UserName, ApiScopes.Read, TimeSpan.FromDays(1));
        using var pat = BearerClient(App, secret);
        await AssertStatusAsync(HttpStatusCode.OK, pat, "api/me");

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var past = DateTimeOffset.UtcNow.AddSeconds(-1);
            await scope.ServiceProvider.GetRequiredService<VaultDbContext>().AccessTokens.Where(t => t.Id == token.Id)
                .ExecuteUpdateAsync(t => t.SetProperty(x => x.ExpiresAt, past));
        }

        await AssertStatusAsync(HttpStatusCode.Unauthorized, pat, "api/me");
        await AssertStatusAsync(HttpStatusCode.Unauthorized, pat, "api/files");
        var row = Assert.Single((await user.Browser.AccountPageAsync()).QuerySelectorAll("[data-testid=token]"));
        Assert.NotNull(row.QuerySelector("[data-testid=token-expired]"));
    }

    [Fact]
    public async Task MalformedOrUnknownTokens_Are401_NeverAnError()
    {
        foreach (var credential in new[] { "bvpat_", "bvpat_short", "bvpat_" + new string('A', 43), "bvpat_" + new string('!', 43), "bvpat_" + new string('A', 4000) })
        {
            using var client = BearerClient(App, credential);
            using var response = await client.GetAsync("api/files");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task DisabledAccount_EndsItsPersonalAccessTokensAndJwts()
    {
        using var user = await FilesTestClient.CreateAsync(App);
        var (_, secret) = await CreateTokenAsync(App, user.UserName, ApiScopes.Read);
        using var pat = BearerClient(App, secret);

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByNameAsync(user.UserName))!, DateTimeOffset.MaxValue);
        }

        await AssertStatusAsync(HttpStatusCode.Unauthorized, pat, "api/me");
        await AssertStatusAsync(HttpStatusCode.Unauthorized, user.Api, "api/me");
    }

    [Fact]
    public async Task LastUsed_IsRecorded_AndMovesAtMostOnceAMinute()
    {
        using var user = await FilesTestClient.CreateAsync(App);
        var (token, secret) = await CreateTokenAsync(App, user.UserName, ApiScopes.Read);
        using var pat = BearerClient(App, secret);
        Assert.Contains("Never used", (await user.Browser.AccountPageAsync()).QuerySelector("[data-testid=token-last-used]")!.TextContent, StringComparison.Ordinal);

        await AssertStatusAsync(HttpStatusCode.OK, pat, "api/me");
        Assert.Equal(DateTimeOffset.UtcNow, (await LastUsedAsync(token.Id))!.Value, TimeSpan.FromSeconds(30));
        Assert.Contains("just now", (await user.Browser.AccountPageAsync()).QuerySelector("[data-testid=token-last-used]")!.TextContent, StringComparison.Ordinal);

        var recent = DateTimeOffset.UtcNow.AddSeconds(-30);
        await SetLastUsedAsync(token.Id, recent);
        await AssertStatusAsync(HttpStatusCode.OK, pat, "api/me");
        Assert.Equal(recent, (await LastUsedAsync(token.Id))!.Value, TimeSpan.FromMilliseconds(1));

        await SetLastUsedAsync(token.Id, DateTimeOffset.UtcNow.AddMinutes(-2));
        await AssertStatusAsync(HttpStatusCode.OK, pat, "api/me");
        Assert.Equal(DateTimeOffset.UtcNow, (await LastUsedAsync(token.Id))!.Value, TimeSpan.FromSeconds(30));
    }

    /// <summary>Every <c>/api</c> endpoint either admits anyone on purpose or names the scope a token needs there.</summary>
    [Fact]
    public void EveryApiEndpoint_IsAnonymousOnPurpose_OrDeclaresAScope()
    {
        var endpoints = ApiEndpoints();

        Assert.True(endpoints.Count > 30, $"Only {endpoints.Count} /api endpoints found: the walk is broken");
        foreach (var endpoint in endpoints)
        {
            var metadata = endpoint.Metadata;
            var anonymous = metadata.GetMetadata<IAllowAnonymous>() is not null;
            var authorized = metadata.GetOrderedMetadata<IAuthorizeData>().Any();
            Assert.True(anonymous || authorized, $"{endpoint.DisplayName} neither requires authorization nor allows anonymous callers");
            if (!anonymous)
            {
                Assert.True(metadata.GetMetadata<RequiredScope>() is not null, $"{endpoint.DisplayName} declares no scope (.RequireScope)");
            }
        }
    }

    /// <summary>
    /// Calls every authorized <c>/api</c> endpoint, each of its methods: a token without the endpoint's scope
    /// gets 403, a token with only that scope gets past authorization, and so does a short-lived JWT.
    /// </summary>
    [Fact]
    public async Task EveryApiEndpoint_RefusesATokenWithoutItsScope_AndAdmitsOneWithIt()
    {
        using var user = await FilesTestClient.CreateAsync(App);
        var withOnly = new Dictionary<ApiScopes, HttpClient>();
        var withAllBut = new Dictionary<ApiScopes, HttpClient>();
        foreach (var scope in AllScopes)
        {
            withOnly[scope] = BearerClient(App, (await CreateTokenAsync(App, user.UserName, scope)).Secret);
            var others = AllScopes.Where(s => s != scope).Aggregate(ApiScopes.None, (all, s) => all | s);
            withAllBut[scope] = BearerClient(App, (await CreateTokenAsync(App, user.UserName, others)).Secret);
        }

        var checkedRoutes = 0;
        try
        {
            foreach (var endpoint in ApiEndpoints().Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null))
            {
                var scope = endpoint.Metadata.GetMetadata<RequiredScope>()!.Scope;
                var path = PathOf(endpoint);
                var mediaType = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes.FirstOrDefault(t => !t.Contains('*', StringComparison.Ordinal));
                if (scope == ApiScopes.None)
                {
                    // No personal access token at all, whatever its scopes (the admin API).
                    foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)
                    {
                        using var refused = await SendAsync(withAllBut[ApiScopes.Read], method, path, mediaType);
                        using var refusedToo = await SendAsync(withOnly[ApiScopes.Read], method, path, mediaType);
                        Assert.True(refused.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{method} {path} with a token: {refused.StatusCode}");
                        Assert.True(refusedToo.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{method} {path} with a token: {refusedToo.StatusCode}");
                        checkedRoutes++;
                    }

                    continue;
                }

                foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)
                {
                    using (var refused = await SendAsync(withAllBut[scope], method, path, mediaType))
                    {
                        Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} without {scope}: {refused.StatusCode}");
                        if (method != "HEAD")
                        {
                            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                        }
                    }

                    using (var admitted = await SendAsync(withOnly[scope], method, path, mediaType))
                    {
                        Assert.True(admitted.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized), $"{method} {path} with {scope}: {admitted.StatusCode}");
                    }

                    using (var jwt = await SendAsync(user.Api, method, path, mediaType))
                    {
                        Assert.True(jwt.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized), $"{method} {path} with a JWT: {jwt.StatusCode}");
                    }

                    checkedRoutes++;
                }
            }
        }
        finally
        {
            foreach (var client in withOnly.Values.Concat(withAllBut.Values))
            {
                client.Dispose();
            }
        }

        Assert.True(checkedRoutes > 30, $"Only {checkedRoutes} routes called");
    }

    [Fact]
    public async Task ReadToken_CanDownload_ButNotUploadOrShare()
    {
        using var user = await FilesTestClient.CreateAsync(App);
        var file = await user.UploadAsync("notes.txt", "my notes"u8.ToArray());
        using var read = BearerClient(App, (await CreateTokenAsync(App, user.UserName, ApiScopes.Read)).Secret);

        using (var download = await read.GetAsync($"api/files/{file.Id}/content"))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("my notes", await download.Content.ReadAsStringAsync());
        }

        using var upload = await read.PostAsync("api/files?name=x.txt", new ByteArrayContent("x"u8.ToArray()));
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        using var delete = await read.DeleteAsync($"api/files/{file.Id}");
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        using var share = await read.PostAsJsonAsync($"api/files/{file.Id}/links", new { });
        Assert.Equal(HttpStatusCode.Forbidden, share.StatusCode);
        Assert.Single((await user.ListAsync()).Items);
    }

    [Fact]
    public async Task OpenApi_DescribesPersonalAccessTokensAndEachOperationsScope()
    {
        using var client = new HttpClient { BaseAddress = App.BaseAddress };

        using var document = JsonDocument.Parse(await client.GetStringAsync("openapi/v1.json"));

        var bearer = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Contains("bvpat_", bearer.GetProperty("description").GetString(), StringComparison.Ordinal);
        var paths = document.RootElement.GetProperty("paths");
        Assert.Contains("the read scope", paths.GetProperty("/api/files").GetProperty("get").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("the write scope", paths.GetProperty("/api/files").GetProperty("post").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("the share scope", paths.GetProperty("/api/links/{id}").GetProperty("delete").GetProperty("description").GetString(), StringComparison.Ordinal);
        var tusCreate = paths.GetProperty("/api/uploads").GetProperty("post");
        Assert.Contains("the write scope", tusCreate.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(tusCreate.GetProperty("security")[0].TryGetProperty("Bearer", out _));
        Assert.False(paths.GetProperty("/api/token").GetProperty("post").TryGetProperty("security", out _));
    }

    private List<RouteEndpoint> ApiEndpoints() =>
        [.. App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => (e.RoutePattern.RawText ?? "").TrimStart('/').StartsWith("api/", StringComparison.Ordinal))];

    /// <summary>A concrete path of a route: a new guid for a guid parameter, a malformed value for the others.</summary>
    private static string PathOf(RouteEndpoint endpoint)
    {
        var segments = endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content == "guid") => Guid.NewGuid().ToString(),
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => "not-an-id",
            _ => "",
        })));
        return string.Join('/', segments);
    }

    /// <summary>A request that reaches authorization: an endpoint that names the media types it accepts gets one of them, as routing refuses others first.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? mediaType)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        if (method is "POST" or "PATCH" or "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType ?? "application/json");
        }

        return await client.SendAsync(request);
    }

    private async Task<DateTimeOffset?> LastUsedAsync(Guid id)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VaultDbContext>().AccessTokens.Where(t => t.Id == id).Select(t => t.LastUsedAt).SingleAsync();
    }

    private async Task SetLastUsedAsync(Guid id, DateTimeOffset time)
    {
        await using var scope = App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<VaultDbContext>().AccessTokens.Where(t => t.Id == id)
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.LastUsedAt, time));
    }

    private static async Task AssertStatusAsync(HttpStatusCode expected, HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
    }

    public sealed class OnSqlite(SharedVaultApp.Sqlite shared) : PersonalAccessTokenTests(shared), IClassFixture<SharedVaultApp.Sqlite>;

    public sealed class OnPostgreSql(SharedVaultApp.PostgreSql shared) : PersonalAccessTokenTests(shared), IClassFixture<SharedVaultApp.PostgreSql>;
}
