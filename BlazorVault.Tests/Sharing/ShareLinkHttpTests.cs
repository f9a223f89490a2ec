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

        Assert.Equal(HttpStatusCode.TooManyRequests, (await visitor.GetAsync("s/whatever/download")).StatusCode);
    }
}
