using System.Net;
using System.Net.Http.Headers;
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

    private HttpClient Anonymous() => App.CreateBrowserClient();

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
        var token = url[(url.LastIndexOf('/') + 1)..];

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
            using var visitor = second.CreateBrowserClient();
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
}
