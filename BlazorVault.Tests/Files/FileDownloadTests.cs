using System.Net;
using System.Net.Http.Headers;
using BlazorVault.Files;

namespace BlazorVault.Tests.Files;

public abstract class FileDownloadTests(SharedVaultApp shared)
{
    private static readonly byte[] Hundred = [.. Enumerable.Range(0, 100).Select(i => (byte)i)];

    private readonly Infrastructure.VaultApp _app = shared.App;

    public static TheoryData<string> Routes => ["api/files/{0}/content", "download/{0}"];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Download_SendsTheBytesWithSafeHeaders(string route)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var item = await alice.UploadAsync("hundred.bin", Hundred);

        using var response = await ClientFor(alice, route).GetAsync(string.Format(null, route, item.Id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Hundred, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"\"{item.Sha256}\"", response.Headers.ETag?.Tag);
        Assert.Equal("bytes", Assert.Single(response.Headers.AcceptRanges));
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.True(response.Headers.CacheControl?.Private);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Download_ServesOnlyTheUsersOwnLiveFiles(string route)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using var bob = await FilesTestClient.CreateAsync(_app);
        var bobs = await bob.UploadAsync("b.txt", "bob's bytes"u8.ToArray());
        var trashed = await alice.UploadTrashedAsync("t.txt", "trashed"u8.ToArray());

        foreach (var id in new[] { bobs.Id, trashed.Id, Guid.NewGuid() })
        {
            using var response = await ClientFor(alice, route).GetAsync(string.Format(null, route, id));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using var own = await ClientFor(bob, route).GetAsync(string.Format(null, route, bobs.Id));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("bob's bytes", await own.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Head_AnswersTheHeadersWithoutTheBytes(string route)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var item = await alice.UploadAsync("hundred.bin", Hundred);

        using var request = new HttpRequestMessage(HttpMethod.Head, string.Format(null, route, item.Id));
        using var response = await ClientFor(alice, route).SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(100, response.Content.Headers.ContentLength);
        Assert.Equal($"\"{item.Sha256}\"", response.Headers.ETag?.Tag);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(0L, 9L, 0, 10)]
    [InlineData(null, 5L, 95, 5)]
    [InlineData(90L, null, 90, 10)]
    [InlineData(95L, 500L, 95, 5)]
    public async Task Download_WithARange_Sends206AndOnlyThoseBytes(long? from, long? to, int start, int length)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var item = await alice.UploadAsync("hundred.bin", Hundred);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/files/{item.Id}/content");
        request.Headers.Range = new RangeHeaderValue(from, to);

        using var response = await alice.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(Hundred.AsSpan(start, length).ToArray(), await response.Content.ReadAsByteArrayAsync());
        var range = response.Content.Headers.ContentRange!;
        Assert.Equal((start, start + length - 1, 100L), (range.From, range.To, range.Length));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Download_WithAnUnsatisfiableRange_Is416(string route)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var item = await alice.UploadAsync("hundred.bin", Hundred);
        using var request = new HttpRequestMessage(HttpMethod.Get, string.Format(null, route, item.Id));
        request.Headers.Range = new RangeHeaderValue(200, 300);

        using var response = await ClientFor(alice, route).SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("bytes */100", response.Content.Headers.ContentRange?.ToString());
        Assert.NotEqual(Hundred, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("bytes=garbage")]
    [InlineData("items=0-9")]
    [InlineData("bytes=9-0")]
    public async Task Download_WithAMalformedRange_IgnoresItAndSendsEverything(string header)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var item = await alice.UploadAsync("hundred.bin", Hundred);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/files/{item.Id}/content");
        Assert.True(request.Headers.TryAddWithoutValidation("Range", header));

        using var response = await alice.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Hundred, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Download_WithTheCurrentETag_Is304WithoutBody(string route)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var item = await alice.UploadAsync("hundred.bin", Hundred);
        var client = ClientFor(alice, route);
        var path = string.Format(null, route, item.Id);

        using var same = new HttpRequestMessage(HttpMethod.Get, path);
        same.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{item.Sha256}\""));
        using var notModified = await client.SendAsync(same);
        using var other = new HttpRequestMessage(HttpMethod.Get, path);
        other.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{new string('0', 64)}\""));
        using var modified = await client.SendAsync(other);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
        Assert.Equal(Hundred, await modified.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("Grüße aus Köln – 文件 📄.txt", "Gr__e aus K_ln _ __ __.txt")]
    [InlineData("say \"hi\" 100%.txt", "say _hi_ 100_.txt")]
    [InlineData("plain-name.txt", "plain-name.txt")]
    public async Task Download_NamesTheFileForEveryClient(string name, string asciiFallback)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var item = await alice.UploadAsync(name, [1, 2, 3]);

        using var response = await alice.Api.GetAsync($"api/files/{item.Id}/content");

        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal(name, disposition.FileNameStar);
        Assert.Equal(asciiFallback, disposition.FileName);
        var raw = string.Join(",", response.Content.Headers.GetValues("Content-Disposition"));
        Assert.Contains($"filename*=UTF-8''{Uri.EscapeDataString(name)}", raw, StringComparison.Ordinal);
        Assert.Contains($"filename=\"{asciiFallback}\"", raw, StringComparison.Ordinal);
        Assert.True(raw.All(char.IsAscii));
    }

    [Theory]
    [InlineData("page.html", "text/html", "<html><script>alert(document.cookie)</script></html>")]
    [InlineData("image.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>")]
    [InlineData("data.xml", "application/xml", "<?xml version=\"1.0\"?><a/>")]
    public async Task Download_OfActiveContent_IsNeverRenderedByTheBrowser(string name, string contentType, string body)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var item = await alice.UploadAsync(name, System.Text.Encoding.UTF8.GetBytes(body), contentType);

        foreach (var route in Routes.Select(r => r.Data))
        {
            using var response = await ClientFor(alice, route).GetAsync(string.Format(null, route, item.Id));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal(FileDownload.ContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
            Assert.Contains("sandbox", FileDownload.ContentSecurityPolicy, StringComparison.Ordinal);
            Assert.Equal(body, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Download_WhenSignedOut_RedirectsToSignIn()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var item = await alice.UploadAsync("private.bin", [1]);
        using var anonymous = _app.CreateBrowserClient();

        using var response = await anonymous.GetAsync($"download/{item.Id}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location?.AbsolutePath);
        Assert.Null(response.Content.Headers.ContentDisposition);
    }

    private static HttpClient ClientFor(FilesTestClient user, string route) =>
        route.StartsWith("api/", StringComparison.Ordinal) ? user.Api : user.Browser;

    public sealed class OnSqlite(SharedVaultApp.Sqlite shared) : FileDownloadTests(shared), IClassFixture<SharedVaultApp.Sqlite>
    {
        [Theory]
        [MemberData(nameof(Routes))]
        public async Task Download_WhoseBlobIsGoneFromTheDisk_Is404_NotAServerError(string route)
        {
            using var alice = await FilesTestClient.CreateAsync(shared.App);
            var item = await alice.UploadAsync("lost.bin", FilesTestClient.RandomBytes(100));
            var blobs = (BlazorVault.Storage.IPhysicalBlobFiles)shared.App.Services.GetRequiredService<BlazorVault.Storage.IBlobStore>();
            File.Delete(blobs.GetPhysicalPath(item.Sha256)!);

            using var response = await ClientFor(alice, route).GetAsync(string.Format(null, route, item.Id));

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Null(response.Content.Headers.ContentDisposition);
        }
    }

    public sealed class OnPostgreSql(SharedVaultApp.PostgreSql shared) : FileDownloadTests(shared), IClassFixture<SharedVaultApp.PostgreSql>;
}

/// <summary><see cref="FileDownloadTests"/> as several instances run it: PostgreSQL, and the bytes in a bucket (<c>Vault:Storage:Provider=S3</c>): ranges are fetched from it.</summary>
public sealed class FileDownloadOnS3Tests(S3SharedVaultApp shared) : FileDownloadTests(shared), IClassFixture<S3SharedVaultApp>;
