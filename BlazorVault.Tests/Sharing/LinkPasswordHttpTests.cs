using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorVault.Sharing;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Sharing;

/// <summary>Wrong passwords, the owner's changes to a link (PATCH) and its access log, over HTTP, on both databases.</summary>
public abstract class LinkPasswordHttpTests(SharedVaultApp shared)
{
    private const string Password = "open sesame 42";

    private VaultApp App => shared.App;

    // Per-response values (antiforgery and component state) differ between any two pages.
    private static string Normalized(string html) =>
        System.Text.RegularExpressions.Regex.Replace(html, "[A-Za-z0-9+/=_-]{32,}", "#");

    [Fact]
    public async Task WrongPassword_AnswersExactlyLikeAnUnknownRevokedOrPasswordlessLink()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("a.txt", [1, 2, 3]);
        var (_, locked) = await LinkVisitor.CreateLinkAsync(alice, file.Id, new { password = Password });
        var (revokedId, revoked) = await LinkVisitor.CreateLinkAsync(alice, file.Id, new { password = Password });
        var (_, open) = await LinkVisitor.CreateLinkAsync(alice, file.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.DeleteAsync($"api/links/{revokedId}")).StatusCode);
        using var visitor = new LinkVisitor(App);
        var token = await visitor.FormTokenAsync(locked);

        var answers = new List<(HttpStatusCode Status, string Body, bool SetsProof)>();
        foreach (var path in new[] { locked, "s/AAAAAAAAAAAAAAAAAAAAAA", revoked, open, "s/not-a-link", "s/a.b.c" })
        {
            using var response = await visitor.PostPasswordAsync(path, "not the password", token);
            var setsProof = response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(ShareClient.PasswordCookie, StringComparison.Ordinal));
            // The form posts back to the URL it came from: the only difference there may be.
            var body = (await response.Content.ReadAsStringAsync()).Replace($"action=\"/{path}\"", "action=\"URL\"", StringComparison.Ordinal);
            answers.Add((response.StatusCode, Normalized(body), setsProof));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Forbidden, a.Status));
        Assert.All(answers, a => Assert.False(a.SetsProof));
        Assert.Single(answers.Select(a => a.Body).Distinct());
        Assert.Contains("Wrong password.", answers[0].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("a.txt", answers[0].Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"password":"short"}""")]
    [InlineData("""{"password":12345678}""")]
    public async Task Create_WithABadPassword_Is400NamingIt(string body)
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("a.txt", [1]);

        using var response = await alice.Api.PostAsync($"api/files/{file.Id}/links", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        if (body.Contains("short", StringComparison.Ordinal))
        {
            Assert.Contains("password", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Patch_ChangesExpiryLimitAndPassword_AndKeepsTheUrl()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("a.txt", [1, 2]);
        var (id, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id, new { expiresInHours = 24, maxDownloads = 1 });

        using (var response = await alice.Api.PatchAsJsonAsync($"api/links/{id}", new { expiresInHours = 2, maxDownloads = 5, password = Password }))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var link = json.RootElement;
            Assert.Equal(path, new Uri(link.GetProperty("url").GetString()!).AbsolutePath.TrimStart('/'));
            Assert.InRange(link.GetProperty("expiresAt").GetDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromHours(1.9), TimeSpan.FromHours(2.1));
            Assert.Equal(5, link.GetProperty("maxDownloads").GetInt32());
            Assert.True(link.GetProperty("hasPassword").GetBoolean());
        }

        // Absent fields stay; null removes the limit.
        using (var response = await alice.Api.PatchAsJsonAsync($"api/links/{id}", new { maxDownloads = (int?)null }))
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("maxDownloads").ValueKind);
            Assert.True(json.RootElement.GetProperty("hasPassword").GetBoolean());
        }

        using var visitor = new LinkVisitor(App);
        await visitor.UnlockAsync(path, Password);
        using var download = await visitor.Client.GetAsync(path + "/download");
        Assert.Equal(HttpStatusCode.Found, download.StatusCode);
    }

    [Theory]
    [InlineData("""{"expiresInHours":0}""", "expiresInHours")]
    [InlineData("""{"expiresInHours":100000}""", "expiresInHours")]
    [InlineData("""{"expiresInHours":null}""", "expiresInHours")]
    [InlineData("""{"maxDownloads":0}""", "maxDownloads")]
    [InlineData("""{"maxDownloads":"many"}""", "maxDownloads")]
    [InlineData("""{"password":"short"}""", "password")]
    [InlineData("""{"password":true}""", "password")]
    [InlineData("""{"expires":"tomorrow"}""", "expires")]
    [InlineData("""[1]""", "body")]
    [InlineData("""{"password":""", "body")]
    public async Task Patch_WithBadValues_Is400NamingTheField_AndChangesNothing(string body, string field)
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("a.txt", [1]);
        var (id, _) = await LinkVisitor.CreateLinkAsync(alice, file.Id, new { maxDownloads = 3 });

        using var response = await alice.Api.PatchAsync($"api/links/{id}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
        var links = await alice.Api.GetFromJsonAsync<JsonElement[]>($"api/files/{file.Id}/links");
        Assert.Equal(3, Assert.Single(links!).GetProperty("maxDownloads").GetInt32());
    }

    [Fact]
    public async Task Patch_LogAndList_OfAnotherUsersOrARevokedLink_Are404()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        using var mallory = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("a.txt", [1]);
        var (id, _) = await LinkVisitor.CreateLinkAsync(alice, file.Id);
        var (revokedId, _) = await LinkVisitor.CreateLinkAsync(alice, file.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.DeleteAsync($"api/links/{revokedId}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await mallory.Api.PatchAsJsonAsync($"api/links/{id}", new { password = (string?)null })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.Api.GetAsync($"api/links/{id}/log")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Api.PatchAsJsonAsync($"api/links/{revokedId}", new { maxDownloads = 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Api.PatchAsJsonAsync($"api/links/{Guid.NewGuid()}", new { maxDownloads = 2 })).StatusCode);
        var mine = await mallory.Api.GetFromJsonAsync<JsonElement>("api/links");
        Assert.Equal(0, mine.GetProperty("total").GetInt32());

        // The owner's list has every link, the revoked one marked, with the file's name.
        var all = await alice.Api.GetFromJsonAsync<JsonElement>("api/links");
        Assert.Equal(2, all.GetProperty("total").GetInt32());
        var items = all.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(new[] { id, revokedId }.Order(), items.Select(i => i.GetProperty("id").GetGuid()).Order());
        Assert.Equal("revoked", Assert.Single(items, i => i.GetProperty("id").GetGuid() == revokedId).GetProperty("status").GetString());
        Assert.Equal("active", Assert.Single(items, i => i.GetProperty("id").GetGuid() == id).GetProperty("status").GetString());
        Assert.All(items, i => Assert.Equal("a.txt", i.GetProperty("fileName").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.Api.GetAsync("api/links?pageSize=0")).StatusCode);
    }

    [Fact]
    public async Task AccessLog_RecordsViewsFailuresAndDownloads_WithTheNetworkAndBrowserOnly()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        // Larger than a small file (LoggedDownload.CountingBodyFeature.SmallFile), whose start is not logged apart.
        var bytes = FilesTestClient.RandomBytes(100_000);
        var file = await alice.UploadAsync("logged.bin", bytes);
        var (id, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id, new { password = Password });
        using var visitor = new LinkVisitor(App, "203.0.113.77");
        visitor.Client.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0");

        var token = await visitor.FormTokenAsync(path);
        using (await visitor.PostPasswordAsync(path, "wrong guess", token))
        {
        }

        await visitor.UnlockAsync(path, Password);
        using (var redirect = await visitor.Client.GetAsync(path + "/download"))
        using (var served = await visitor.Client.GetAsync(App.PathOf(redirect.Headers.Location)!.TrimStart('/')))
        {
            Assert.Equal(bytes, await served.Content.ReadAsByteArrayAsync());
        }

        using var phone = new LinkVisitor(App, "2001:db8:abcd:12::1");
        phone.Client.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1");
        (await phone.Client.GetAsync(path)).Dispose();
        // The page re-reading itself after a download is not another view.
        using (var refresh = new HttpRequestMessage(HttpMethod.Get, path))
        {
            refresh.Headers.Add("X-Vault-Refresh", "1");
            (await phone.Client.SendAsync(refresh)).Dispose();
        }

        await App.Services.GetRequiredService<ShareAccessLog>().FlushAsync(TestContext.Current.CancellationToken);
        var log = await alice.Api.GetFromJsonAsync<JsonElement>($"api/links/{id}/log");

        var entries = log.GetProperty("items").EnumerateArray()
            .Select(e => (Kind: e.GetProperty("kind").GetString(), Network: e.GetProperty("network").GetString(), Browser: e.GetProperty("browser").GetString(),
                Bytes: e.GetProperty("bytes").ValueKind == JsonValueKind.Null ? (long?)null : e.GetProperty("bytes").GetInt64()))
            .Reverse().ToList();
        Assert.Equal(
            [
                ("pageView", "203.0.113.0/24", "Firefox", null),
                ("passwordFailure", "203.0.113.0/24", "Firefox", null),
                ("pageView", "203.0.113.0/24", "Firefox", null),
                ("downloadStarted", "203.0.113.0/24", "Firefox", null),
                ("downloadCompleted", "203.0.113.0/24", "Firefox", bytes.Length),
                ("pageView", "2001:db8:abcd::/48", "Safari", null),
            ],
            entries);
        Assert.Equal(6, log.GetProperty("total").GetInt32());
        var page2 = await alice.Api.GetFromJsonAsync<JsonElement>($"api/links/{id}/log?page=2&pageSize=4");
        Assert.Equal(2, page2.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task AccessLog_OfASmallFilesDownload_IsOneEntry_ItsEnd()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var bytes = FilesTestClient.RandomBytes((int)LoggedDownload.CountingBodyFeature.SmallFile);
        var file = await alice.UploadAsync("small.bin", bytes);
        var (id, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id);
        using var visitor = new LinkVisitor(App, "203.0.113.77");
        using (var redirect = await visitor.Client.GetAsync(path + "/download"))
        using (var served = await visitor.Client.GetAsync(App.PathOf(redirect.Headers.Location)!.TrimStart('/')))
        {
            Assert.Equal(bytes, await served.Content.ReadAsByteArrayAsync());
        }

        await Notifications.Downloads.UntilCompletedLoggedAsync(App, path, before: 0);
        var log = await alice.Api.GetFromJsonAsync<JsonElement>($"api/links/{id}/log");
        var entry = Assert.Single(log.GetProperty("items").EnumerateArray());
        Assert.Equal(("downloadCompleted", (long)bytes.Length), (entry.GetProperty("kind").GetString(), entry.GetProperty("bytes").GetInt64()));
    }

    [Fact]
    public async Task OpenApi_DescribesThePasswordThePatchTheListAndTheLog()
    {
        using var client = new HttpClient { BaseAddress = App.BaseAddress };
        using var document = JsonDocument.Parse(await client.GetStringAsync("openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");

        Assert.Equal("UpdateShareLink", paths.GetProperty("/api/links/{id}").GetProperty("patch").GetProperty("operationId").GetString());
        Assert.Equal("ShareLinkLog", paths.GetProperty("/api/links/{id}/log").GetProperty("get").GetProperty("operationId").GetString());
        Assert.Equal("ListAllShareLinks", paths.GetProperty("/api/links").GetProperty("get").GetProperty("operationId").GetString());
        Assert.True(schemas.GetProperty("CreateLinkRequest").GetProperty("properties").TryGetProperty("password", out _));
        Assert.True(schemas.GetProperty("UpdateLinkRequest").GetProperty("properties").TryGetProperty("password", out _));
        Assert.True(schemas.GetProperty("LinkResponse").GetProperty("properties").TryGetProperty("hasPassword", out _));
        Assert.True(schemas.GetProperty("LinkAccessResponse").GetProperty("properties").TryGetProperty("network", out _));
    }

    public sealed class OnSqlite(SharedVaultApp.Sqlite shared) : LinkPasswordHttpTests(shared), IClassFixture<SharedVaultApp.Sqlite>;

    public sealed class OnPostgreSql(SharedVaultApp.PostgreSql shared) : LinkPasswordHttpTests(shared), IClassFixture<SharedVaultApp.PostgreSql>;
}
