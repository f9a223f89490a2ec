using System.Net;
using System.Net.Http.Headers;
using BlazorVault.Files;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Sharing;

/// <summary>
/// A share link's page shows its file: inline from <c>/s/{link}/view</c> (sandboxed, the allow-list's type, seeking
/// by Range), a thumbnail from <c>/s/{link}/thumbnail</c>; never for a link with a download limit (its bytes leave
/// only counted), never without the password's proof (LinkPasswordBypassTests), never for a dead link.
/// </summary>
public sealed class SharedViewTests(SharedVaultApp.Sqlite shared) : IClassFixture<SharedVaultApp.Sqlite>
{
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==");

    private readonly VaultApp _app = shared.App;

    [Fact]
    public async Task AnOpenLinksPage_ShowsTheImage_FromTheSandboxedViewRoute_WithoutCountingIt()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var file = await alice.UploadAsync("beach.png", Png, "image/png");
        var (_, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id);
        using var visitor = new LinkVisitor(_app);

        var page = await visitor.Client.GetStringAsync(path);
        Assert.Contains($"src=\"{path}/view\"", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"shared-preview\"", page, StringComparison.Ordinal);

        using var view = await visitor.Client.GetAsync(path + "/view");
        Assert.Equal(HttpStatusCode.OK, view.StatusCode);
        Assert.Equal(Png, await view.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", view.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", view.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Contains("sandbox", Assert.Single(view.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(view.Headers.GetValues("X-Content-Type-Options")));

        // Seeking a video is a Range request of the same route.
        using var range = new HttpRequestMessage(HttpMethod.Get, path + "/view") { Headers = { Range = new RangeHeaderValue(0, 9) } };
        using var partial = await visitor.Client.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(Png[..10], await partial.Content.ReadAsByteArrayAsync());

        // Views are not downloads: the count stays.
        var links = await alice.Api.GetStringAsync($"api/files/{file.Id}/links");
        Assert.Contains("\"downloads\":0", links, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("page.html", "text/html", "<script>alert(1)</script>")]
    [InlineData("drawing.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>")]
    public async Task ActiveContent_IsShownAsText_NeverRendered(string name, string type, string body)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var file = await alice.UploadAsync(name, System.Text.Encoding.UTF8.GetBytes(body), type);
        var (_, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id);
        using var visitor = new LinkVisitor(_app);

        using var view = await visitor.Client.GetAsync(path + "/view");

        Assert.Equal(HttpStatusCode.OK, view.StatusCode);
        Assert.Equal("text/plain", view.Content.Headers.ContentType?.MediaType);
        Assert.Contains("sandbox", Assert.Single(view.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALinkWithADownloadLimit_HasNoView_ButShowsItsThumbnail()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var file = await alice.UploadAsync("limited.png", Png, "image/png");
        var (_, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id, new { maxDownloads = 1 });
        using var visitor = new LinkVisitor(_app);

        using var view = await visitor.Client.GetAsync(path + "/view");
        Assert.Equal(HttpStatusCode.NotFound, view.StatusCode);
        Assert.DoesNotContain($"{path}/view", await visitor.Client.GetStringAsync(path), StringComparison.Ordinal);

        // The thumbnail is made on request (404 with Retry-After meanwhile), then served.
        HttpResponseMessage thumbnail;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((thumbnail = await visitor.Client.GetAsync($"{path}/thumbnail?size=grid")).StatusCode == HttpStatusCode.NotFound
            && thumbnail.Headers.RetryAfter is not null && DateTime.UtcNow < deadline)
        {
            thumbnail.Dispose();
            await Task.Delay(200);
        }

        using (thumbnail)
        {
            Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
            Assert.Equal("image/webp", thumbnail.Content.Headers.ContentType?.MediaType);
        }

        Assert.Contains("data-testid=\"shared-thumbnail\"", await visitor.Client.GetStringAsync(path), StringComparison.Ordinal);
        var links = await alice.Api.GetStringAsync($"api/files/{file.Id}/links");
        Assert.Contains("\"downloads\":0", links, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevokedLink_OrATrashedFile_ShowsNothing()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var file = await alice.UploadAsync("gone.png", Png, "image/png");
        var (id, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id);
        var other = await alice.UploadAsync("trashed.png", [.. Png, 1], "image/png");
        var (_, trashedPath) = await LinkVisitor.CreateLinkAsync(alice, other.Id);
        using var visitor = new LinkVisitor(_app);

        using (await alice.Api.DeleteAsync($"api/links/{id}"))
        using (await alice.Api.DeleteAsync($"api/files/{other.Id}"))
        {
        }

        foreach (var route in new[] { path + "/view", path + "/thumbnail", trashedPath + "/view", trashedPath + "/thumbnail" })
        {
            using var response = await visitor.Client.GetAsync(route);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}
