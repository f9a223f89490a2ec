using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BlazorVault.Files.Viewing;
using BlazorVault.Tests.Files.Thumbnails;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Files.Viewing;

/// <summary>The allow-list that decides what a browser may render from an upload.</summary>
public sealed class InlineTypesTests
{
    [Theory]
    [InlineData("a.jpg", "image/jpeg", ViewKind.Image, "image/jpeg")]
    [InlineData("a.bin", "image/png", ViewKind.Image, "image/png")]
    [InlineData("clip.mp4", "application/octet-stream", ViewKind.Video, "video/mp4")]
    [InlineData("song.mp3", "", ViewKind.Audio, "audio/mpeg")]
    [InlineData("paper.pdf", "application/pdf", ViewKind.Pdf, "application/pdf")]
    [InlineData("README.md", "application/octet-stream", ViewKind.Markdown, InlineTypes.PlainText)]
    [InlineData("page.html", "text/html", ViewKind.Text, InlineTypes.PlainText)]
    [InlineData("logo.svg", "image/svg+xml", ViewKind.Text, InlineTypes.PlainText)]
    [InlineData("logo.svg", "application/octet-stream", ViewKind.Text, InlineTypes.PlainText)]
    [InlineData("feed.xml", "application/xml", ViewKind.Text, InlineTypes.PlainText)]
    [InlineData("page.xhtml", "application/xhtml+xml", ViewKind.Text, InlineTypes.PlainText)]
    [InlineData("x.png", "text/html; charset=utf-8", ViewKind.Text, InlineTypes.PlainText)]
    [InlineData("setup.exe", "application/x-msdownload", ViewKind.None, null)]
    [InlineData("archive.zip", "application/zip", ViewKind.None, null)]
    [InlineData("photo.jpg", "application/zip", ViewKind.None, null)]
    [InlineData("unknown", "application/octet-stream", ViewKind.None, null)]
    public void Of_ChoosesFromTheAllowList(string name, string contentType, ViewKind kind, string? type) =>
        Assert.Equal((kind, type), InlineTypes.Of(name, contentType));
}

/// <summary><c>/view/{id}</c> over HTTP: the owner only, sandboxed, the allow-list's type, ranges for seeking.</summary>
public abstract class ViewRouteTests(SharedVaultApp shared)
{
    private readonly VaultApp _app = shared.App;

    [Fact]
    public async Task AnHtmlFile_IsShownAsItsSourceText_Sandboxed()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var page = await alice.UploadAsync("page.html", Encoding.UTF8.GetBytes("<script>alert(1)</script>"), "text/html");

        using var response = await alice.Browser.GetAsync($"view/{page.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("inline", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("sandbox;", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", policy);
        Assert.DoesNotContain("allow-scripts", policy);
        Assert.Equal("<script>alert(1)</script>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Media_IsSentAsTheListsType_WithRangesForSeeking()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var bytes = FilesTestClient.RandomBytes(100_000);
        var clip = await alice.UploadAsync("clip.mp4", bytes, "application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"view/{clip.Id}");
        request.Headers.Range = new RangeHeaderValue(50_000, 50_099);

        using var response = await alice.Browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes[50_000..50_100], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task AnUnknownType_IsOnlyEverADownload()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var tool = await alice.UploadAsync("tool.exe", [77, 90, 0, 0], "application/x-msdownload");

        using var response = await alice.Browser.GetAsync($"view/{tool.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Contains("sandbox", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task AnotherUsersFile_IsNotFound_AndSignedOutVisitorsAreSentToSignIn()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using var mallory = await FilesTestClient.CreateAsync(_app);
        var photo = await alice.UploadAsync("photo.png", TestImages.Png(10, 10), "image/png");
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _app.BaseAddress };

        using var other = await mallory.Browser.GetAsync($"view/{photo.Id}");
        using var signedOut = await anonymous.GetAsync($"view/{photo.Id}");

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.NotEqual("image/png", other.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.StartsWith("/login", signedOut.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }

    public sealed class OnSqlite(SharedVaultApp.Sqlite shared) : ViewRouteTests(shared), IClassFixture<SharedVaultApp.Sqlite>;
}

/// <summary>With presigned downloads from a bucket, views still go through the app (the bucket would send the uploader's type).</summary>
public sealed class ViewRouteOnS3Tests(S3SharedVaultApp shared) : ViewRouteTests(shared), IClassFixture<S3SharedVaultApp>;
