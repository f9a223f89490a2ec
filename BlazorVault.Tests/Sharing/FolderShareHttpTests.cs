using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Files.Tree;
using BlazorVault.Sharing;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Sharing;

/// <summary>
/// Folder links over HTTP: the shared folder's live tree read-only (breadcrumbs never above it), its files and
/// ZIPs, nothing outside it by any id, the same limits, revocation and log as a file link. On both databases.
/// </summary>
public abstract class FolderShareHttpTests(SharedVaultApp shared)
{
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==");

    private VaultApp App => shared.App;

    /// <summary>Alice's tree: Above Xq/Shared Zk/{top.txt, Sub Wy/{inner.bin, Deep Vb/deep.txt}}, and Above Xq/Sibling Rt/sibling.txt beside it.</summary>
    private sealed record Tree(
        FilesTestClient Alice, FolderItem Above, FolderItem Shared, FolderItem Sub, FolderItem Deep, FolderItem Sibling,
        FileItem Top, byte[] TopBytes, FileItem Inner, byte[] InnerBytes, FileItem DeepFile, FileItem SiblingFile, FileItem RootFile) : IDisposable
    {
        public void Dispose() => Alice.Dispose();
    }

    private async Task<Tree> TreeAsync()
    {
        var alice = await FilesTestClient.CreateAsync(App);
        var above = await CreateFolderAsync(alice, "Above Xq");
        var sharedFolder = await CreateFolderAsync(alice, "Shared Zk", above.Id);
        var sub = await CreateFolderAsync(alice, "Sub Wy", sharedFolder.Id);
        var deep = await CreateFolderAsync(alice, "Deep Vb", sub.Id);
        var sibling = await CreateFolderAsync(alice, "Sibling Rt", above.Id);
        var topBytes = "the top file's text\n"u8.ToArray();
        var innerBytes = FilesTestClient.RandomBytes(120_000);
        return new Tree(
            alice, above, sharedFolder, sub, deep, sibling,
            await UploadAsync(alice, "top.txt", topBytes, sharedFolder.Id, "text/plain"), topBytes,
            await UploadAsync(alice, "inner.bin", innerBytes, sub.Id), innerBytes,
            await UploadAsync(alice, "deep.txt", "deep down"u8.ToArray(), deep.Id, "text/plain"),
            await UploadAsync(alice, "sibling.txt", "not shared"u8.ToArray(), sibling.Id, "text/plain"),
            await UploadAsync(alice, "loose.txt", "not shared either"u8.ToArray(), null, "text/plain"));
    }

    public static async Task<(Guid Id, string Path)> CreateFolderLinkAsync(FilesTestClient owner, Guid folderId, object? body = null)
    {
        using var response = await owner.Api.PostAsJsonAsync($"api/folders/{folderId}/links", body ?? new { });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("folder", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(folderId, json.RootElement.GetProperty("folderId").GetGuid());
        return (json.RootElement.GetProperty("id").GetGuid(), new Uri(json.RootElement.GetProperty("url").GetString()!).AbsolutePath.TrimStart('/'));
    }

    /// <summary>A browser-like visitor: cookies, redirects followed (a file's download redirects once, to its grant).</summary>
    /// <remarks>Each from an address of its own: a test makes more requests than one address may per minute.</remarks>
    private HttpClient Visitor(bool followRedirects = true)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = followRedirects })
        {
            BaseAddress = App.BaseAddress,
        };
        client.DefaultRequestHeaders.Add(TestClientAddress.Header, $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}");
        return client;
    }

    [Fact]
    public async Task FolderLink_ListsItsTree_NavigatesDown_AndNeverShowsWhatIsAboveIt()
    {
        using var tree = await TreeAsync();
        var (_, path) = await CreateFolderLinkAsync(tree.Alice, tree.Shared.Id);
        using var visitor = Visitor();

        var top = WebUtility.HtmlDecode(await visitor.GetStringAsync(path));
        Assert.Contains("Shared Zk", top, StringComparison.Ordinal);
        Assert.Contains("top.txt", top, StringComparison.Ordinal);
        Assert.Contains("Sub Wy", top, StringComparison.Ordinal);
        Assert.Contains($"{path}/f/{tree.Sub.Id}", top, StringComparison.Ordinal);
        Assert.Contains(tree.Alice.UserName, top, StringComparison.Ordinal);
        Assert.DoesNotContain("inner.bin", top, StringComparison.Ordinal);
        AssertNothingAbove(tree, top);

        var sub = WebUtility.HtmlDecode(await visitor.GetStringAsync($"{path}/f/{tree.Sub.Id}"));
        Assert.Contains("inner.bin", sub, StringComparison.Ordinal);
        Assert.Contains("Deep Vb", sub, StringComparison.Ordinal);
        Assert.DoesNotContain("top.txt", sub, StringComparison.Ordinal);
        Assert.Equal(["Shared Zk", "Sub Wy"], Crumbs(sub));
        AssertNothingAbove(tree, sub);

        var deep = WebUtility.HtmlDecode(await visitor.GetStringAsync($"{path}/f/{tree.Deep.Id}"));
        Assert.Equal(["Shared Zk", "Sub Wy", "Deep Vb"], Crumbs(deep));
        Assert.Contains("deep.txt", deep, StringComparison.Ordinal);
        // The breadcrumb's top goes to the link's own page, never to a folder id above it.
        Assert.Contains($"href=\"{path}\"", deep, StringComparison.Ordinal);
        AssertNothingAbove(tree, deep);

        // The shared folder by its own id is the top again, with the same limits.
        var again = WebUtility.HtmlDecode(await visitor.GetStringAsync($"{path}/f/{tree.Shared.Id}"));
        Assert.Equal(["Shared Zk"], Crumbs(again));
        Assert.Contains("top.txt", again, StringComparison.Ordinal);
        AssertNothingAbove(tree, again);
    }

    [Fact]
    public async Task FolderLink_ShowsFilesAddedLater_AndPagesALargeFolder()
    {
        using var tree = await TreeAsync();
        var (_, path) = await CreateFolderLinkAsync(tree.Alice, tree.Shared.Id);
        using var visitor = Visitor();
        Assert.DoesNotContain("later.txt", await visitor.GetStringAsync($"{path}/f/{tree.Deep.Id}"), StringComparison.Ordinal);

        var later = await UploadAsync(tree.Alice, "later.txt", "added after the link"u8.ToArray(), tree.Deep.Id, "text/plain");
        Assert.Contains("later.txt", await visitor.GetStringAsync($"{path}/f/{tree.Deep.Id}"), StringComparison.Ordinal);
        using (var download = await visitor.GetAsync($"{path}/files/{later.Id}/download"))
        {
            Assert.Equal("added after the link", await download.Content.ReadAsStringAsync());
        }

        // 55 entries: two pages of 50, folders first, each by name.
        var big = await CreateFolderAsync(tree.Alice, "Big", tree.Shared.Id);
        for (var i = 0; i < 55; i++)
        {
            await UploadAsync(tree.Alice, $"f{i:00}.txt", [(byte)i], big.Id);
        }

        var first = await visitor.GetStringAsync($"{path}/f/{big.Id}");
        Assert.Contains("f49.txt", first, StringComparison.Ordinal);
        Assert.DoesNotContain("f50.txt", first, StringComparison.Ordinal);
        Assert.Contains("Page 1 of 2", first, StringComparison.Ordinal);
        Assert.Contains($"{path}/f/{big.Id}?page=2", first, StringComparison.Ordinal);
        var second = await visitor.GetStringAsync($"{path}/f/{big.Id}?page=2");
        Assert.Contains("f54.txt", second, StringComparison.Ordinal);
        Assert.DoesNotContain("f49.txt", second, StringComparison.Ordinal);
        Assert.Contains("Page 2 of 2", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FolderLink_DownloadsViewsAndZipsItsFiles()
    {
        using var tree = await TreeAsync();
        var image = await UploadAsync(tree.Alice, "pic.png", Png, tree.Sub.Id, "image/png");
        var (linkId, path) = await CreateFolderLinkAsync(tree.Alice, tree.Shared.Id);
        using var visitor = Visitor();
        Assert.Contains("top.txt", await visitor.GetStringAsync(path), StringComparison.Ordinal);

        using (var download = await visitor.GetAsync($"{path}/files/{tree.Inner.Id}/download"))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(tree.InnerBytes, await download.Content.ReadAsByteArrayAsync());
            Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal("inner.bin", download.Content.Headers.ContentDisposition?.FileNameStar);
        }

        using (var view = await visitor.GetAsync($"{path}/files/{image.Id}/view"))
        {
            Assert.Equal(HttpStatusCode.OK, view.StatusCode);
            Assert.Equal(Png, await view.Content.ReadAsByteArrayAsync());
            Assert.Equal("image/png", view.Content.Headers.ContentType?.MediaType);
        }

        // The page links the viewable file to its view, and the thumbnail is made on request, then served.
        Assert.Contains($"{path}/files/{image.Id}/view", await visitor.GetStringAsync($"{path}/f/{tree.Sub.Id}"), StringComparison.Ordinal);
        HttpResponseMessage thumbnail;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((thumbnail = await visitor.GetAsync($"{path}/files/{image.Id}/thumbnail?size=list")).StatusCode == HttpStatusCode.NotFound
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

        Assert.Contains("data-testid=\"shared-entry-thumbnail\"", await visitor.GetStringAsync($"{path}/f/{tree.Sub.Id}"), StringComparison.Ordinal);

        using (var whole = await visitor.GetAsync($"{path}/zip"))
        {
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            Assert.Equal("application/zip", whole.Content.Headers.ContentType?.MediaType);
            var entries = await EntriesAsync(whole);
            Assert.Equal(
                ["Shared Zk/", "Shared Zk/Sub Wy/", "Shared Zk/Sub Wy/Deep Vb/", "Shared Zk/Sub Wy/Deep Vb/deep.txt", "Shared Zk/Sub Wy/inner.bin", "Shared Zk/Sub Wy/pic.png", "Shared Zk/top.txt"],
                entries.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(tree.TopBytes, entries["Shared Zk/top.txt"]);
            Assert.Equal(tree.InnerBytes, entries["Shared Zk/Sub Wy/inner.bin"]);
        }

        using (var selection = await visitor.GetAsync($"{path}/zip?selection=1&file={tree.Top.Id}&folder={tree.Deep.Id}"))
        {
            var entries = await EntriesAsync(selection);
            Assert.Equal(["Deep Vb/", "Deep Vb/deep.txt", "top.txt"], entries.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(tree.TopBytes, entries["top.txt"]);
        }

        using (var nothing = await visitor.GetAsync($"{path}/zip?selection=1"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
            Assert.Equal("application/problem+json", nothing.Content.Headers.ContentType?.MediaType);
        }

        // A file link's own routes are not a folder link's.
        using (var fileRoute = await visitor.GetAsync($"{path}/download"))
        {
            Assert.Equal(HttpStatusCode.NotFound, fileRoute.StatusCode);
        }

        // The log: the page views, and each download started and completed with its bytes.
        await App.Services.GetRequiredService<ShareAccessLog>().FlushAsync(TestContext.Current.CancellationToken);
        // A link without a limit counts in memory and writes its count once a second.
        await App.Services.GetRequiredService<DownloadTally>().FlushAsync(TestContext.Current.CancellationToken);
        var log = await tree.Alice.Api.GetFromJsonAsync<JsonElement>($"api/links/{linkId}/log?pageSize=200");
        var kinds = log.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(3, kinds.Count(k => k == "pageView"));
        Assert.Equal(3, kinds.Count(k => k == "downloadStarted"));
        Assert.Equal(3, kinds.Count(k => k == "downloadCompleted"));
        Assert.Contains(log.GetProperty("items").EnumerateArray(), e => e.GetProperty("kind").GetString() == "downloadCompleted" && e.GetProperty("bytes").GetInt64() == tree.InnerBytes.Length);
        var links = await tree.Alice.Api.GetFromJsonAsync<JsonElement>("api/links");
        var listed = Assert.Single(links.GetProperty("items").EnumerateArray(), l => l.GetProperty("id").GetGuid() == linkId);
        Assert.Equal(("folder", "Shared Zk", 3), (listed.GetProperty("kind").GetString(), listed.GetProperty("folderName").GetString(), listed.GetProperty("downloads").GetInt32()));
    }

    [Fact]
    public async Task FolderLink_AnswersTheSame404ForEveryIdOutsideItsLiveTree()
    {
        using var tree = await TreeAsync();
        using var bob = await FilesTestClient.CreateAsync(App);
        var bobFolder = await CreateFolderAsync(bob, "Bob's");
        var bobFile = await UploadAsync(bob, "bob.txt", "bob's bytes"u8.ToArray(), bobFolder.Id, "text/plain");
        var trashedFile = await UploadAsync(tree.Alice, "trashed.txt", "gone"u8.ToArray(), tree.Shared.Id, "text/plain");
        var trashedFolder = await CreateFolderAsync(tree.Alice, "Trashed Folder", tree.Shared.Id);
        var inTrashedFolder = await UploadAsync(tree.Alice, "in trashed.txt", "gone too"u8.ToArray(), trashedFolder.Id, "text/plain");
        var (_, path) = await CreateFolderLinkAsync(tree.Alice, tree.Shared.Id);
        using var visitor = Visitor();
        // Reachable before: the refusals below are the trash's doing.
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync($"{path}/files/{inTrashedFolder.Id}/download")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tree.Alice.Api.DeleteAsync($"api/files/{trashedFile.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tree.Alice.Api.DeleteAsync($"api/folders/{trashedFolder.Id}")).StatusCode);

        Guid[] folders = [tree.Above.Id, tree.Sibling.Id, bobFolder.Id, trashedFolder.Id, Guid.NewGuid()];
        Guid[] files = [tree.SiblingFile.Id, tree.RootFile.Id, bobFile.Id, trashedFile.Id, inTrashedFolder.Id, Guid.NewGuid()];
        var routes = new List<string>();
        foreach (var id in folders)
        {
            routes.Add($"{path}/f/{id}");
            routes.Add($"{path}/zip?folder={id}");
            routes.Add($"{path}/zip?folder={tree.Sub.Id}&folder={id}");
        }

        foreach (var id in files)
        {
            routes.Add($"{path}/files/{id}/download");
            routes.Add($"{path}/files/{id}/view");
            routes.Add($"{path}/files/{id}/thumbnail?size=list");
            routes.Add($"{path}/zip?file={id}");
            routes.Add($"{path}/zip?file={tree.Top.Id}&file={id}");
        }

        routes.Add($"{path}/f/..%2F{tree.Above.Id}");
        routes.Add($"{path}/f/{tree.Sub.Id}/..%2F..%2F..%2Ff%2F{tree.Above.Id}");
        routes.Add($"{path}/files/..%2F..%2F{tree.SiblingFile.Id}/download");
        // Another link's public id with this one's ids: nothing.
        routes.Add($"s/AAAAAAAAAAAAAAAAAAAAAA/f/{tree.Sub.Id}");
        routes.Add($"s/AAAAAAAAAAAAAAAAAAAAAA/files/{tree.Top.Id}/download");

        using var raw = Visitor(followRedirects: false);
        foreach (var route in routes)
        {
            using var response = await raw.GetAsync(route);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{route}: {response.StatusCode}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("not shared", body, StringComparison.Ordinal);
            Assert.DoesNotContain("bob's bytes", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Sibling Rt", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Above Xq", body, StringComparison.Ordinal);
        }

        // The listing shows neither trashed entry.
        var page = WebUtility.HtmlDecode(await visitor.GetStringAsync(path));
        Assert.DoesNotContain("trashed.txt", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Trashed Folder", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FolderLink_OfATrashedFolderOrADisabledOwner_IsGoneUntilRestored()
    {
        using var tree = await TreeAsync();
        var (_, path) = await CreateFolderLinkAsync(tree.Alice, tree.Shared.Id);
        using var visitor = Visitor();
        string[] routes = [path, $"{path}/f/{tree.Sub.Id}", $"{path}/files/{tree.Top.Id}/download", $"{path}/files/{tree.Top.Id}/view", $"{path}/zip"];
        await AssertStatusAsync(visitor, routes, HttpStatusCode.OK);

        // The folder above the shared one goes to the trash, and the share with it.
        Assert.Equal(HttpStatusCode.NoContent, (await tree.Alice.Api.DeleteAsync($"api/folders/{tree.Above.Id}")).StatusCode);
        await AssertStatusAsync(visitor, routes, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await tree.Alice.Api.PostAsJsonAsync($"api/folders/{tree.Shared.Id}/links", new { })).StatusCode);

        Assert.True((await tree.Alice.Api.PostAsync($"api/trash/{tree.Above.Id}/restore", null)).IsSuccessStatusCode);
        await AssertStatusAsync(visitor, routes, HttpStatusCode.OK);

        await SetDisabledAsync(tree.Alice.UserName, DateTimeOffset.UtcNow);
        await AssertStatusAsync(visitor, routes, HttpStatusCode.NotFound);
        await SetDisabledAsync(tree.Alice.UserName, null);
        await AssertStatusAsync(visitor, routes, HttpStatusCode.OK);
    }

    [Fact]
    public async Task FolderLink_WithOneDownloadAndTenParallelRequests_ServesExactlyOne()
    {
        using var tree = await TreeAsync();
        var (_, path) = await CreateFolderLinkAsync(tree.Alice, tree.Shared.Id, new { maxDownloads = 1 });
        using var visitor = Visitor();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            visitor.GetAsync(i % 2 == 0 ? $"{path}/files/{tree.Inner.Id}/download" : $"{path}/zip")));
        try
        {
            var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            Assert.True(winner.Content.Headers.ContentType?.MediaType == "application/zip" || (await winner.Content.ReadAsByteArrayAsync()).SequenceEqual(tree.InnerBytes));
            Assert.All(responses.Where(r => r != winner), r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task FolderLink_CountsWholeDownloads_NotPageViewsHeadsOrContinuations()
    {
        using var tree = await TreeAsync();
        var (id, path) = await CreateFolderLinkAsync(tree.Alice, tree.Shared.Id, new { maxDownloads = 2 });
        using var visitor = Visitor();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync($"{path}/f/{tree.Sub.Id}")).StatusCode);
        }

        using (var head = await visitor.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"{path}/files/{tree.Inner.Id}/download")))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(tree.InnerBytes.Length, head.Content.Headers.ContentLength);
        }

        using (var zipHead = await visitor.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"{path}/zip")))
        {
            Assert.Equal(HttpStatusCode.OK, zipHead.StatusCode);
        }

        // A limited link's bytes leave only counted: no inline view.
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"{path}/files/{tree.Top.Id}/view")).StatusCode);
        Assert.Equal(0, await DownloadsAsync(tree.Alice, id));

        using (var first = new HttpRequestMessage(HttpMethod.Get, $"{path}/files/{tree.Inner.Id}/download") { Headers = { Range = new RangeHeaderValue(0, 999) } })
        using (var part = await visitor.SendAsync(first))
        {
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        }

        using (var rest = new HttpRequestMessage(HttpMethod.Get, $"{path}/files/{tree.Inner.Id}/download") { Headers = { Range = new RangeHeaderValue(1000, null) } })
        using (var part = await visitor.SendAsync(rest))
        {
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal(tree.InnerBytes[1000..], await part.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(1, await DownloadsAsync(tree.Alice, id));
        using (var zip = await visitor.GetAsync($"{path}/zip?file={tree.Top.Id}"))
        {
            Assert.Equal(HttpStatusCode.OK, zip.StatusCode);
            Assert.Equal(tree.TopBytes, (await EntriesAsync(zip))["top.txt"]);
        }

        Assert.Equal(2, await DownloadsAsync(tree.Alice, id));
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"{path}/zip")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Visitor().GetAsync($"{path}/files/{tree.Top.Id}/download")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task FolderLink_Revoked_EndsAtOnce_AndOnlyItsOwnerCanMakeOne()
    {
        using var tree = await TreeAsync();
        using var mallory = await FilesTestClient.CreateAsync(App);
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.Api.PostAsJsonAsync($"api/folders/{tree.Shared.Id}/links", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.Api.GetAsync($"api/folders/{tree.Shared.Id}/links")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tree.Alice.Api.PostAsJsonAsync($"api/folders/{Guid.NewGuid()}/links", new { })).StatusCode);
        using (var invalid = await tree.Alice.Api.PostAsJsonAsync($"api/folders/{tree.Shared.Id}/links", new { maxDownloads = 0 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
        }

        var (id, path) = await CreateFolderLinkAsync(tree.Alice, tree.Shared.Id);
        var listed = await tree.Alice.Api.GetFromJsonAsync<JsonElement[]>($"api/folders/{tree.Shared.Id}/links");
        Assert.Equal(id, Assert.Single(listed!).GetProperty("id").GetGuid());
        using var visitor = Visitor();
        string[] routes = [path, $"{path}/f/{tree.Sub.Id}", $"{path}/files/{tree.Top.Id}/download", $"{path}/zip"];
        await AssertStatusAsync(visitor, routes, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NotFound, (await mallory.Api.DeleteAsync($"api/links/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tree.Alice.Api.DeleteAsync($"api/links/{id}")).StatusCode);
        await AssertStatusAsync(visitor, routes, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task FolderLink_BadInput_GetsAClearAnswer_NeverAServerError()
    {
        using var tree = await TreeAsync();
        var (_, path) = await CreateFolderLinkAsync(tree.Alice, tree.Shared.Id);
        using var visitor = Visitor(followRedirects: false);
        foreach (var page in new[] { "abc", "-5", "0", "99999999999", "2147483647" })
        {
            using var response = await visitor.GetAsync($"{path}/f/{tree.Sub.Id}?page={page}");
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"page={page}: {response.StatusCode}");
        }

        foreach (var query in new[] { "file=not-a-guid", "folder=", "folder=1&file=2" })
        {
            using var response = await visitor.GetAsync($"{path}/zip?{query}");
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {response.StatusCode}");
        }

        var tooMany = string.Join('&', Enumerable.Range(0, ShareLinkService.MaxZipSelection + 1).Select(_ => $"file={Guid.NewGuid()}"));
        using (var response = await visitor.GetAsync($"{path}/zip?{tooMany}"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using (var response = await tree.Alice.Api.PostAsync($"api/folders/{tree.Shared.Id}/links", new StringContent("{nope", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task OpenApi_DescribesTheFolderLinkRoutes()
    {
        using var client = new HttpClient { BaseAddress = App.BaseAddress };
        using var json = JsonDocument.Parse(await client.GetStringAsync("openapi/v1.json"));
        var paths = json.RootElement.GetProperty("paths");
        Assert.Equal("CreateFolderShareLink", paths.GetProperty("/api/folders/{id}/links").GetProperty("post").GetProperty("operationId").GetString());
        Assert.Equal("ListFolderShareLinks", paths.GetProperty("/api/folders/{id}/links").GetProperty("get").GetProperty("operationId").GetString());
        Assert.Equal("DownloadSharedFolderZip", paths.GetProperty("/s/{link}/zip").GetProperty("get").GetProperty("operationId").GetString());
        Assert.True(paths.TryGetProperty("/s/{link}/files/{fileId}/download", out _));
    }

    private static void AssertNothingAbove(Tree tree, string html)
    {
        Assert.DoesNotContain("Above Xq", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Sibling Rt", html, StringComparison.Ordinal);
        Assert.DoesNotContain(tree.Above.Id.ToString(), html, StringComparison.OrdinalIgnoreCase);
    }

    private static List<string> Crumbs(string html) =>
        [.. System.Text.RegularExpressions.Regex.Matches(html, """data-testid="shared-crumb"[^>]*>\s*<(?:a|span)\b[^>]*>([^<]+)<""")
            .Select(m => m.Groups[1].Value.Trim())];

    private static async Task AssertStatusAsync(HttpClient visitor, IEnumerable<string> routes, HttpStatusCode status)
    {
        foreach (var route in routes)
        {
            using var response = await visitor.GetAsync(route);
            Assert.True(response.StatusCode == status, $"{route}: {response.StatusCode}, expected {status}");
        }
    }

    private static async Task<int> DownloadsAsync(FilesTestClient owner, Guid linkId)
    {
        var links = await owner.Api.GetFromJsonAsync<JsonElement>("api/links");
        return links.GetProperty("items").EnumerateArray().Single(l => l.GetProperty("id").GetGuid() == linkId).GetProperty("downloads").GetInt32();
    }

    private async Task SetDisabledAsync(string userName, DateTimeOffset? at)
    {
        var factory = App.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        await db.Users.Where(u => u.UserName == userName).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisabledAt, at));
    }

    public static async Task<Dictionary<string, byte[]>> EntriesAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var archive = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in archive.Entries)
        {
            using var bytes = new MemoryStream();
            await using (var stream = await entry.OpenAsync())
            {
                await stream.CopyToAsync(bytes);
            }

            entries[entry.FullName] = bytes.ToArray();
        }

        return entries;
    }

    public static async Task<FolderItem> CreateFolderAsync(FilesTestClient client, string name, Guid? parentId = null)
    {
        using var response = await client.Api.PostAsJsonAsync("api/folders", new { name, parentId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<FolderItem>())!;
    }

    public static async Task<FileItem> UploadAsync(FilesTestClient client, string name, byte[] bytes, Guid? folderId, string contentType = "application/octet-stream")
    {
        var query = $"api/files?name={Uri.EscapeDataString(name)}" + (folderId is { } id ? $"&folderId={id}" : "");
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await client.Api.PostAsync(query, content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<FileItem>())!;
    }

    public sealed class OnSqlite(SharedVaultApp.Sqlite shared) : FolderShareHttpTests(shared), IClassFixture<SharedVaultApp.Sqlite>;

    public sealed class OnPostgreSql(SharedVaultApp.PostgreSql shared) : FolderShareHttpTests(shared), IClassFixture<SharedVaultApp.PostgreSql>;
}
