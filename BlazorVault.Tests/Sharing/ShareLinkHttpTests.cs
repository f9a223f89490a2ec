using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BlazorVault.Sharing;
using System.Text.Json;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Sharing;

public abstract class ShareLinkHttpTests(SharedVaultApp shared)
{
    private VaultApp App => shared.App;

    private static async Task<(Guid Id, string Url)> CreateLinkAsync(FilesTestClient owner, Guid fileId, object? body = null)
    {
        using var response = await owner.Api.PostAsJsonAsync($"api/files/{fileId}/links", body ?? new { });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("id").GetGuid(), json.RootElement.GetProperty("url").GetString()!);
    }

    /// <summary>A visitor's browser: keeps cookies and follows redirects (a short link's download redirects once).</summary>
    private HttpClient Anonymous() => Visitor(App);

    public static HttpClient Visitor(VaultApp app) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = true }) { BaseAddress = app.BaseAddress };

    private static readonly System.Text.RegularExpressions.Regex ShortPath = new("^/s/[A-Za-z0-9_-]{22}$");

    // Per-response values (antiforgery and component state) differ between any two pages.
    private static string Normalized(string html) =>
        System.Text.RegularExpressions.Regex.Replace(html, "[A-Za-z0-9+/=_-]{32,}", "#");

    [Fact]
    public async Task Link_CreatedByTheOwner_LetsAnyoneSeeAndDownloadTheFile()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var bytes = FilesTestClient.RandomBytes(200_000);
        var file = await alice.UploadAsync("Quarterly report ü.pdf", bytes, "application/pdf");

        using var created = await alice.Api.PostAsJsonAsync($"api/files/{file.Id}/links", new { expiresInHours = 24, maxDownloads = 3 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var url = new Uri(json.RootElement.GetProperty("url").GetString()!);
        Assert.True(url.IsAbsoluteUri);
        Assert.StartsWith("/s/", url.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(3, json.RootElement.GetProperty("maxDownloads").GetInt32());
        var expiresAt = json.RootElement.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24.1));

        using var visitor = Anonymous();
        var page = await visitor.GetStringAsync(url);
        Assert.Contains("Quarterly report ü.pdf", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Contains(alice.UserName, page, StringComparison.Ordinal);

        using var download = await visitor.GetAsync(url + "/download");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Link_OfAnotherUsersFile_CannotBeCreatedListedOrRevoked()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        using var mallory = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("private.txt", [1, 2, 3]);
        var (linkId, _) = await CreateLinkAsync(alice, file.Id);

        Assert.Equal(HttpStatusCode.NotFound, (await mallory.Api.PostAsJsonAsync($"api/files/{file.Id}/links", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.Api.GetAsync($"api/files/{file.Id}/links")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.Api.DeleteAsync($"api/links/{linkId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Api.PostAsJsonAsync($"api/files/{Guid.NewGuid()}/links", new { })).StatusCode);

        var links = await alice.Api.GetFromJsonAsync<JsonElement[]>($"api/files/{file.Id}/links");
        Assert.Equal(linkId, Assert.Single(links!).GetProperty("id").GetGuid());
    }

    [Theory]
    [InlineData("""{"expiresInHours":0}""")]
    [InlineData("""{"expiresInHours":-3}""")]
    [InlineData("""{"expiresInHours":100000}""")]
    [InlineData("""{"maxDownloads":0}""")]
    [InlineData("""{"expiresInHours":"soon"}""")]
    public async Task Create_WithBadSettings_Is400(string body)
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("a.txt", [1]);

        using var response = await alice.Api.PostAsync($"api/files/{file.Id}/links", new StringContent(body, MediaTypeHeaderValue.Parse("application/json")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Link_AfterRevocation_AnswersTheSame404AsGarbage()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("a.txt", [1, 2]);
        var (linkId, url) = await CreateLinkAsync(alice, file.Id);

        using (var revoke = await alice.Api.DeleteAsync($"api/links/{linkId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using var visitor = Anonymous();
        using var page = await visitor.GetAsync(url);
        using var download = await visitor.GetAsync(url + "/download");
        using var garbagePage = await visitor.GetAsync("s/not-a-token");
        using var garbageDownload = await visitor.GetAsync("s/not-a-token/download");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, garbagePage.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, garbageDownload.StatusCode);
        Assert.Equal(Normalized(await garbagePage.Content.ReadAsStringAsync()), Normalized(await page.Content.ReadAsStringAsync()));
        Assert.Equal(Normalized(await garbageDownload.Content.ReadAsStringAsync()), Normalized(await download.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Link_WithOneDownloadAndTenParallelRequests_ServesExactlyOne()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var bytes = FilesTestClient.RandomBytes(50_000);
        var file = await alice.UploadAsync("once.bin", bytes);
        var (_, url) = await CreateLinkAsync(alice, file.Id, new { maxDownloads = 1 });

        using var visitor = Anonymous();
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => visitor.GetAsync(url + "/download")));

        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(bytes, await winner.Content.ReadAsByteArrayAsync());
        Assert.All(responses.Where(r => r != winner), r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Link_RangeRequestsThatContinueADownload_DoNotUseItUp()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var bytes = FilesTestClient.RandomBytes(100_000);
        var file = await alice.UploadAsync("resume.bin", bytes);
        var (_, url) = await CreateLinkAsync(alice, file.Id, new { maxDownloads = 1 });
        using var visitor = Anonymous();

        using var first = new HttpRequestMessage(HttpMethod.Get, url + "/download");
        first.Headers.Range = new RangeHeaderValue(0, 49_999);
        using var head = await visitor.SendAsync(first);
        Assert.Equal(HttpStatusCode.PartialContent, head.StatusCode);

        using var rest = new HttpRequestMessage(HttpMethod.Get, url + "/download");
        rest.Headers.Range = new RangeHeaderValue(50_000, null);
        using var tail = await visitor.SendAsync(rest);
        Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);

        byte[] joined = [.. await head.Content.ReadAsByteArrayAsync(), .. await tail.Content.ReadAsByteArrayAsync()];
        Assert.Equal(bytes, joined);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(url + "/download")).StatusCode);
    }

    [Fact]
    public async Task Link_AfterTheFileIsDeleted_Is404()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("bye.txt", [1]);
        var (_, url) = await CreateLinkAsync(alice, file.Id);

        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.DeleteAsync($"api/files/{file.Id}")).StatusCode);

        using var visitor = Anonymous();
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(url + "/download")).StatusCode);
    }

    [Fact]
    public async Task Link_OfAFileInTheTrash_Is404_CountsNothing_AndWorksAgainAfterRestore()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("back.txt", [1, 2, 3]);
        var (_, url) = await CreateLinkAsync(alice, file.Id, new { maxDownloads = 1 });
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.DeleteAsync($"api/files/{file.Id}")).StatusCode);

        using var visitor = Anonymous();
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(url + "/download")).StatusCode);
        using var head = await visitor.SendAsync(new HttpRequestMessage(HttpMethod.Head, url + "/download"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await alice.Api.PostAsync($"api/trash/{file.Id}/restore", null)).StatusCode);

        // Its one download was not used up while it was in the trash.
        Assert.Equal([1, 2, 3], await visitor.GetByteArrayAsync(url + "/download"));
    }

    private static HttpRequestMessage Request(HttpMethod method, string url, string? address, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, url);
        if (address is not null)
        {
            request.Headers.Add(TestClientAddress.Header, address);
        }

        foreach (var (name, value) in headers)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value));
        }

        return request;
    }

    private async Task<HttpStatusCode> StatusOfAsync(HttpClient client, HttpMethod method, string url, string? address, params (string Name, string Value)[] headers)
    {
        using var request = Request(method, url, address, headers);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Theory]
    [InlineData("bytes=1-1,3-3", null)]
    [InlineData("items=1-3", null)]
    [InlineData("bytes=1-", "\"0000000000000000000000000000000000000000000000000000000000000000\"")]
    public async Task Link_UsedUp_NeverServesTheWholeFileAgain_EvenToTheClientThatDownloaded(string range, string? ifRange)
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("once.bin", FilesTestClient.RandomBytes(10_000));
        var (_, url) = await CreateLinkAsync(alice, file.Id, new { maxDownloads = 1 });
        using var visitor = Anonymous();
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(visitor, HttpMethod.Get, url + "/download", null));

        (string, string)[] headers = ifRange is null ? [("Range", range)] : [("Range", range), ("If-Range", ifRange)];
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(visitor, HttpMethod.Get, url + "/download", null, headers));
        }
    }

    [Fact]
    public async Task Link_AMultiRangeRequest_IsAnsweredInFullAndCounts()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var bytes = FilesTestClient.RandomBytes(10_000);
        var file = await alice.UploadAsync("two.bin", bytes);
        var (linkId, url) = await CreateLinkAsync(alice, file.Id, new { maxDownloads = 2 });
        using var visitor = Anonymous();

        using var request = Request(HttpMethod.Get, url + "/download", null, ("Range", "bytes=1-1,3-3"));
        using var response = await visitor.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        var links = await alice.Api.GetFromJsonAsync<JsonElement[]>($"api/files/{file.Id}/links");
        Assert.Equal(1, Assert.Single(links!, l => l.GetProperty("id").GetGuid() == linkId).GetProperty("downloads").GetInt32());
    }

    [Fact]
    public async Task Link_UsedUp_ServesRangeContinuationsOnlyToTheClientThatDownloaded()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var bytes = FilesTestClient.RandomBytes(100_000);
        var file = await alice.UploadAsync("resume.bin", bytes);
        var (_, url) = await CreateLinkAsync(alice, file.Id, new { maxDownloads = 1 });
        var download = url + "/download";
        using var visitor = Anonymous();

        using (var counted = await visitor.SendAsync(Request(HttpMethod.Get, download, "192.0.2.10")))
        {
            Assert.Equal(HttpStatusCode.OK, counted.StatusCode);
            var cookie = Assert.Single(counted.Headers.GetValues("Set-Cookie"));
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains($"path={new Uri(download).AbsolutePath}", cookie, StringComparison.OrdinalIgnoreCase);
        }

        // Someone else holding the used-up link gets nothing, however they ask.
        using var stranger = Anonymous();
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(stranger, HttpMethod.Get, download, "192.0.2.66", ("Range", "bytes=1-")));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(stranger, HttpMethod.Get, download, "192.0.2.66", ("Range", "bytes=50000-")));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(stranger, HttpMethod.Head, download, "192.0.2.66"));

        // The browser that downloaded resumes with its cookie, even from another address, with If-Range as browsers send it.
        using (var resumed = await visitor.SendAsync(Request(HttpMethod.Get, download, "198.51.100.20", ("Range", "bytes=50000-"), ("If-Range", $"\"{file.Sha256}\""))))
        {
            Assert.Equal(HttpStatusCode.PartialContent, resumed.StatusCode);
            Assert.Equal(bytes[50_000..], await resumed.Content.ReadAsByteArrayAsync());
        }

        // curl -C - keeps no cookies: the same address resumes.
        using var curl = new HttpClient { BaseAddress = App.BaseAddress };
        using (var resumed = await curl.SendAsync(Request(HttpMethod.Get, download, "192.0.2.10", ("Range", "bytes=99000-"))))
        {
            Assert.Equal(HttpStatusCode.PartialContent, resumed.StatusCode);
            Assert.Equal(bytes[99_000..], await resumed.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task Link_ConditionalRequestsAndFirstByteProbes_DoNotUseItUp()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var bytes = FilesTestClient.RandomBytes(10_000);
        var file = await alice.UploadAsync("probe.bin", bytes);
        var (_, url) = await CreateLinkAsync(alice, file.Id, new { maxDownloads = 1 });
        var download = url + "/download";
        var etag = ("If-None-Match", $"\"{file.Sha256}\"");
        using var visitor = Anonymous();

        Assert.Equal(HttpStatusCode.NotModified, await StatusOfAsync(visitor, HttpMethod.Get, download, null, etag));
        using (var probe = await visitor.SendAsync(Request(HttpMethod.Get, download, null, ("Range", "bytes=0-0"))))
        {
            Assert.Equal(HttpStatusCode.PartialContent, probe.StatusCode);
            Assert.Equal(bytes[..1], await probe.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(visitor, HttpMethod.Head, download, null));
        Assert.Equal(bytes, await visitor.GetByteArrayAsync(download));

        using var stranger = Anonymous();
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(stranger, HttpMethod.Get, download, "192.0.2.66", etag));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(stranger, HttpMethod.Get, download, "192.0.2.66", ("Range", "bytes=0-0")));
    }

    [Fact]
    public async Task ShareToken_UsedAsAnApiBearerToken_Is401()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("a.txt", [1]);
        var (_, url) = await CreateLinkAsync(alice, file.Id);
        using var browser = App.CreateBrowserClient();
        using var redirect = await browser.GetAsync(url + "/download");
        var token = System.Web.HttpUtility.ParseQueryString(new Uri(new Uri(url), redirect.Headers.Location!).Query)["token"]!;
        Assert.Contains('.', token);

        using var client = new HttpClient { BaseAddress = App.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("api/files")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"api/files/{file.Id}/content")).StatusCode);
    }

    [Fact]
    public async Task ApiToken_UsedAsAShareToken_Is404()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var apiToken = alice.Api.DefaultRequestHeaders.Authorization!.Parameter!;

        using var visitor = Anonymous();

        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"s/{apiToken}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"s/{apiToken}/download")).StatusCode);

        var file = await alice.UploadAsync("a.txt", [1]);
        var (_, url) = await CreateLinkAsync(alice, file.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"{url}/download?token={apiToken}")).StatusCode);
    }

    [Fact]
    public async Task Link_HasAShortUrl_WhoseDownloadRedirectsOnceWithAFreshShortLivedGrant()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var bytes = FilesTestClient.RandomBytes(20_000);
        var file = await alice.UploadAsync("short.bin", bytes);
        var (_, url) = await CreateLinkAsync(alice, file.Id, new { maxDownloads = 1 });
        var path = new Uri(url).AbsolutePath;
        Assert.Matches(ShortPath, path);

        using var browser = App.CreateBrowserClient();
        using var redirect = await browser.GetAsync(url + "/download");
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal("no-store", redirect.Headers.CacheControl?.ToString());
        var location = new Uri(new Uri(url), redirect.Headers.Location!);
        Assert.Equal(path + "/download", location.AbsolutePath);

        // The redirect counted nothing; the grant's use does, once.
        using (var served = await browser.GetAsync(location))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal(bytes, await served.Content.ReadAsByteArrayAsync());
        }

        var links = await alice.Api.GetFromJsonAsync<JsonElement[]>($"api/files/{file.Id}/links");
        var listed = Assert.Single(links!);
        Assert.Equal(1, listed.GetProperty("downloads").GetInt32());
        Assert.Equal("usedUp", listed.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Anonymous().GetAsync(url + "/download")).StatusCode);
    }

    [Fact]
    public async Task Link_HandedOutBeforeShortUrls_KeepsWorkingByItsLongTokenUrl()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var bytes = FilesTestClient.RandomBytes(5_000);
        var file = await alice.UploadAsync("old.bin", bytes);
        var (_, url) = await CreateLinkAsync(alice, file.Id, new { maxDownloads = 2 });
        var shared = await App.Services.GetRequiredService<ShareLinkService>().PeekAsync(url[(url.LastIndexOf('/') + 1)..]);
        var legacy = LegacyLinkTokens.Create(App.Services, shared!.Link);
        using var visitor = Anonymous();

        using var page = await visitor.GetAsync($"s/{legacy}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("old.bin", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var download = await visitor.GetAsync($"s/{legacy}/download");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        // One link, one count, whichever URL it came through.
        Assert.Equal(bytes, await visitor.GetByteArrayAsync(url + "/download"));
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"s/{legacy}/download")).StatusCode);
    }

    [Fact]
    public async Task DeadLinks_ShowRecipientsTheirOwnPage_TheSameForEveryCause()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("gone.txt", [1, 2]);
        var trashed = await alice.UploadAsync("trashed.txt", [3]);
        var (revokedId, revoked) = await CreateLinkAsync(alice, file.Id);
        var (_, usedUp) = await CreateLinkAsync(alice, file.Id, new { maxDownloads = 1 });
        var (_, inTrash) = await CreateLinkAsync(alice, trashed.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.DeleteAsync($"api/links/{revokedId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.DeleteAsync($"api/files/{trashed.Id}")).StatusCode);
        using var visitor = Anonymous();
        Assert.Equal([1, 2], await visitor.GetByteArrayAsync(usedUp + "/download"));

        string[] dead = [revoked, usedUp, inTrash, "s/AAAAAAAAAAAAAAAAAAAAAA", "s/not-a-link", "s/a.b.c"];
        var pages = new List<string>();
        var downloads = new List<string>();
        foreach (var url in dead)
        {
            using var stranger = Anonymous();
            using var page = await stranger.GetAsync(url);
            using var download = await stranger.GetAsync(url + "/download");
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
            pages.Add(Normalized(await page.Content.ReadAsStringAsync()));
            downloads.Add(Normalized(await download.Content.ReadAsStringAsync()));
        }

        Assert.Single(pages.Distinct());
        Assert.Single(downloads.Distinct());
        foreach (var body in new[] { pages[0], downloads[0] })
        {
            Assert.Contains("This link is no longer available", body, StringComparison.Ordinal);
            Assert.Contains("Ask the person who sent it", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Go to your files", body, StringComparison.Ordinal);
            Assert.DoesNotContain("gone.txt", body, StringComparison.Ordinal);
        }

        // Elsewhere the owner's own 404 is unchanged.
        using var elsewhere = await visitor.GetAsync("no-such-page");
        Assert.Contains("Go to your files", await elsewhere.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedPage_ShowsTheFilesKindIcon_AndTheDownloadsLeftWithSpaces()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("song.mp3", [1, 2, 3], "audio/mpeg");
        var (_, url) = await CreateLinkAsync(alice, file.Id, new { maxDownloads = 2 });
        using var visitor = Anonymous();

        var before = WebUtility.HtmlDecode(await visitor.GetStringAsync(url));
        Assert.Contains("bi-file-earmark-music", before, StringComparison.Ordinal);
        Assert.DoesNotContain("📄", before, StringComparison.Ordinal);
        Assert.Contains("UTC</time></span> · <span data-testid=\"shared-left\">2 of 2 downloads left", before, StringComparison.Ordinal);

        await visitor.GetByteArrayAsync(url + "/download");
        var after = WebUtility.HtmlDecode(await visitor.GetStringAsync(url));
        Assert.Contains("1 of 2 downloads left", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LinkUrls_BehindALocalProxy_UseTheForwardedSchemeAndHost()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("proxied.txt", [1]);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/files/{file.Id}/links") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "files.example.org");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await alice.Api.SendAsync(request);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var url = new Uri(json.RootElement.GetProperty("url").GetString()!);
        Assert.Equal("https://files.example.org", url.GetLeftPart(UriPartial.Authority));
        Assert.Matches(ShortPath, url.AbsolutePath);
    }

    public sealed class OnSqlite(SharedVaultApp.Sqlite shared) : ShareLinkHttpTests(shared), IClassFixture<SharedVaultApp.Sqlite>;

    public sealed class OnPostgreSql(SharedVaultApp.PostgreSql shared) : ShareLinkHttpTests(shared), IClassFixture<SharedVaultApp.PostgreSql>;
}

/// <summary><see cref="ShareLinkHttpTests"/> as several instances run it: PostgreSQL, and the bytes in a bucket (<c>Vault:Storage:Provider=S3</c>).</summary>
public sealed class ShareLinkHttpOnS3Tests(S3SharedVaultApp shared) : ShareLinkHttpTests(shared), IClassFixture<S3SharedVaultApp>;

public sealed class ShareLinkRestartTests
{
    [Fact]
    public async Task Link_AfterTheAppRestartsOnTheSameDataDirectory_StillWorks()
    {
        var directory = TempDirectory.Create();
        try
        {
            string path;
            var bytes = FilesTestClient.RandomBytes(1000);
            await using (var first = new VaultApp(directory))
            {
                using var alice = await FilesTestClient.CreateAsync(first);
                var file = await alice.UploadAsync("kept.bin", bytes);
                using var response = await alice.Api.PostAsJsonAsync($"api/files/{file.Id}/links", new { });
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                path = new Uri(json.RootElement.GetProperty("url").GetString()!).AbsolutePath;
            }

            await using var second = new VaultApp(directory);
            using var visitor = ShareLinkHttpTests.Visitor(second);
            Assert.Equal(bytes, await visitor.GetByteArrayAsync(path.TrimStart('/') + "/download"));
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }
}

public sealed class ShareRateLimitTests
{
    [Fact]
    public async Task SharePages_PastTheRateLimit_Answer429()
    {
        await using var app = new VaultApp(settings: new Dictionary<string, string?> { ["Vault:Links:PermitsPerMinute"] = "3" });
        using var visitor = app.CreateBrowserClient();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync("s/whatever/download")).StatusCode);
        }

        using var limited = await visitor.GetAsync("s/whatever/download");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(limited.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task SharedFolderThumbnails_HaveABudgetOfTheirOwn_ApartFromTheLinksRequests()
    {
        await using var app = new VaultApp(settings: new Dictionary<string, string?>
        {
            ["Vault:Links:PermitsPerMinute"] = "3",
            ["Vault:Links:ThumbnailPermitsPerMinute"] = "5",
        });
        using var visitor = app.CreateBrowserClient();
        var thumbnail = $"s/whatever/files/{Guid.NewGuid()}/thumbnail";

        // A page of a shared folder asks for many thumbnails at once: past the link's three, up to their own five.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(thumbnail)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await visitor.GetAsync(thumbnail)).StatusCode);
        // They took nothing of the link's own requests.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync("s/whatever/download")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await visitor.GetAsync("s/whatever/download")).StatusCode);
    }

    [Fact]
    public async Task FileRequestUpload_InManyChunks_IsNotStoppedByTheRateLimit_WhileOtherRequestsStillCount()
    {
        await using var app = new VaultApp(settings: new Dictionary<string, string?> { ["Vault:Links:PermitsPerMinute"] = "3" });
        using var owner = await FilesTestClient.CreateAsync(app);
        using var created = await owner.Api.PostAsJsonAsync("api/links", new { kind = "upload" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var path = new Uri((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!).AbsolutePath.TrimStart('/');
        using var visitor = new LinkVisitor(app);
        using var creation = Files.Uploads.TusTestClient.Request(HttpMethod.Post, $"{path}/uploads");
        creation.Headers.Add("Upload-Length", "8");
        creation.Headers.Add("Upload-Metadata", "filename " + Convert.ToBase64String("chunks.bin"u8));
        using var createdUpload = await visitor.Client.SendAsync(creation);
        Assert.Equal(HttpStatusCode.Created, createdUpload.StatusCode);
        var upload = createdUpload.Headers.Location!.OriginalString;

        // Eight chunks of a byte, each after a HEAD for the offset (as a resuming client asks): far past three a minute.
        for (var offset = 0; offset < 8; offset++)
        {
            Assert.Equal(offset, await Files.Uploads.TusTestClient.OffsetAsync(visitor.Client, upload));
            using var chunk = await Files.Uploads.TusTestClient.PatchAsync(visitor.Client, upload, offset, [(byte)offset]);
            Assert.Equal(HttpStatusCode.NoContent, chunk.StatusCode);
        }

        // The creation was one of the three: two more requests of the link pass, the next is refused.
        for (var i = 0; i < 2; i++)
        {
            using var page = await visitor.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using var limited = await visitor.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
    }

    private static async Task<HttpStatusCode> DownloadFromAsync(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "s/whatever/download");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<Uri> CreatedLinkUrlAsync(VaultApp app, params (string Name, string Value)[] headers)
    {
        using var alice = await FilesTestClient.CreateAsync(app);
        var file = await alice.UploadAsync("a.txt", [1]);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/files/{file.Id}/links") { Content = JsonContent.Create(new { }) };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await alice.Api.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return new Uri(json.RootElement.GetProperty("url").GetString()!);
    }

    [Fact]
    public async Task SharePages_BehindALocalProxy_AreLimitedPerForwardedClient_AndLinksUseThePinnedPublicBaseUrl()
    {
        await using var app = new VaultApp(settings: new Dictionary<string, string?>
        {
            ["Vault:Links:PermitsPerMinute"] = "3",
            ["Vault:PublicBaseUrl"] = "https://vault.example.net/",
        });
        using var proxy = app.CreateBrowserClient();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, await DownloadFromAsync(proxy, "203.0.113.1"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await DownloadFromAsync(proxy, "203.0.113.1"));
        // Another client behind the same proxy is not limited by the first one's requests.
        Assert.Equal(HttpStatusCode.NotFound, await DownloadFromAsync(proxy, "203.0.113.2"));

        var url = await CreatedLinkUrlAsync(app, ("X-Forwarded-Host", "elsewhere.example.com"));
        Assert.Equal("https://vault.example.net", url.GetLeftPart(UriPartial.Authority));
        Assert.StartsWith("/s/", url.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardedHeaders_FromAnAddressThatIsNotAConfiguredProxy_AreIgnored()
    {
        // Configured proxies replace the loopback default, and these requests come from loopback.
        await using var app = new VaultApp(settings: new Dictionary<string, string?>
        {
            ["Vault:Links:PermitsPerMinute"] = "2",
            ["Vault:Proxy:KnownProxies:0"] = "192.0.2.1",
            ["Vault:Proxy:KnownNetworks:0"] = "10.0.0.0/8",
        });
        using var client = app.CreateBrowserClient();

        Assert.Equal(HttpStatusCode.NotFound, await DownloadFromAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.NotFound, await DownloadFromAsync(client, "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await DownloadFromAsync(client, "203.0.113.3"));

        var url = await CreatedLinkUrlAsync(app, ("X-Forwarded-Host", "evil.example.com"), ("X-Forwarded-Proto", "https"));
        Assert.Equal(app.BaseAddress.GetLeftPart(UriPartial.Authority), url.GetLeftPart(UriPartial.Authority));
    }

    [Theory]
    [InlineData("Vault:Proxy:KnownProxies:0", "proxy.local")]
    [InlineData("Vault:Proxy:KnownNetworks:0", "10.0.0.0/99")]
    [InlineData("Vault:PublicBaseUrl", "vault.example.org")]
    public void Start_WithABadProxyOrBaseUrlSetting_StopsWithAMessageNamingIt(string key, string value)
    {
        var failure = Assert.ThrowsAny<Exception>(() => new VaultApp(settings: new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(key.Split(':')[^1] is "0" ? key.Split(':')[^2] : key.Split(':')[^1], failure.ToString(), StringComparison.Ordinal);
    }
}
