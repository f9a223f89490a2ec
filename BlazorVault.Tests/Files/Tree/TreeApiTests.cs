using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BlazorVault.Files;
using BlazorVault.Files.Tree;
using BlazorVault.Tests.Files.Uploads;

namespace BlazorVault.Tests.Files.Tree;

/// <summary>Folders, moves, the trash, versions and ZIPs over HTTP, as an API client meets them.</summary>
public abstract class TreeApiTests(SharedVaultApp shared)
{
    private readonly Infrastructure.VaultApp _app = shared.App;

    [Fact]
    public async Task Folders_AreCreatedListedRenamedMovedAndTrashed()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var docs = await CreateFolderAsync(alice, "Docs");
        var work = await CreateFolderAsync(alice, "Work", docs.Id);
        var file = await UploadAsync(alice, "plan.txt", [1, 2, 3], work.Id);

        using (var children = JsonDocument.Parse(await alice.Api.GetStringAsync($"api/folders/{work.Id}/children")))
        {
            var root = children.RootElement;
            Assert.Equal(["Docs", "Work"], root.GetProperty("trail").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
            var entry = Assert.Single(root.GetProperty("items").EnumerateArray());
            Assert.Equal(("file", "plan.txt", 3), (entry.GetProperty("kind").GetString(), entry.GetProperty("name").GetString(), entry.GetProperty("size").GetInt32()));
        }

        using (var rename = await alice.Api.PatchAsJsonAsync($"api/folders/{work.Id}", new { name = "Job" }))
        {
            Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
        }

        using (var move = await alice.Api.PatchAsJsonAsync($"api/folders/{work.Id}", new { parentId = "root" }))
        {
            Assert.Equal(HttpStatusCode.OK, move.StatusCode);
        }

        using (var path = JsonDocument.Parse(await alice.Api.GetStringAsync($"api/folders/{work.Id}")))
        {
            Assert.Equal("/Job", path.RootElement.GetProperty("path").GetString());
        }

        using (var moveFile = await alice.Api.PatchAsJsonAsync($"api/files/{file.Id}", new { folderId = docs.Id, name = "plan v2.txt" }))
        {
            Assert.Equal(HttpStatusCode.OK, moveFile.StatusCode);
            var moved = (await moveFile.Content.ReadFromJsonAsync<FileItem>())!;
            Assert.Equal((docs.Id, "plan v2.txt"), (moved.FolderId!.Value, moved.Name));
        }

        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.DeleteAsync($"api/folders/{docs.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Api.GetAsync($"api/folders/{docs.Id}/children")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Api.GetAsync($"api/files/{file.Id}/content")).StatusCode);
        using var trash = JsonDocument.Parse(await alice.Api.GetStringAsync("api/trash"));
        var trashed = Assert.Single(trash.RootElement.EnumerateArray());
        Assert.Equal(("Docs", "/", 1), (trashed.GetProperty("name").GetString(), trashed.GetProperty("originalPath").GetString(), trashed.GetProperty("files").GetInt32()));
    }

    [Fact]
    public async Task NameClashes_FollowTheConflictParameter_AndABadOneIs400()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        await CreateFolderAsync(alice, "Reports");
        var first = await UploadAsync(alice, "q1.pdf", [1]);

        var renamed = await UploadAsync(alice, "Q1.pdf", [2]);
        Assert.Equal("Q1 (2).pdf", renamed.Name);

        using (var failed = await alice.Api.PostAsync("api/files?name=q1.pdf&conflict=fail", new ByteArrayContent([3])))
        {
            await AssertProblemAsync(failed, HttpStatusCode.Conflict);
        }

        using (var replaced = await alice.Api.PostAsync("api/files?name=q1.pdf&conflict=replace", new ByteArrayContent([4])))
        {
            Assert.Equal(HttpStatusCode.Created, replaced.StatusCode);
            Assert.Equal(first.Id, (await replaced.Content.ReadFromJsonAsync<FileItem>())!.Id);
        }

        using (var bad = await alice.Api.PostAsync("api/files?name=x.pdf&conflict=overwrite", new ByteArrayContent([5])))
        {
            await AssertProblemAsync(bad, HttpStatusCode.BadRequest);
        }

        using (var clash = await alice.Api.PostAsJsonAsync("api/folders?conflict=fail", new { name = "reports" }))
        {
            await AssertProblemAsync(clash, HttpStatusCode.Conflict);
        }

        using var versions = JsonDocument.Parse(await alice.Api.GetStringAsync($"api/files/{first.Id}/versions"));
        var version = Assert.Single(versions.RootElement.EnumerateArray());
        var versionId = version.GetProperty("id").GetGuid();
        Assert.Equal([1], await alice.Api.GetByteArrayAsync($"api/files/{first.Id}/versions/{versionId}/content"));
        Assert.Equal(HttpStatusCode.OK, (await alice.Api.PostAsync($"api/files/{first.Id}/versions/{versionId}/restore", null)).StatusCode);
        Assert.Equal([1], await alice.Api.GetByteArrayAsync($"api/files/{first.Id}/content"));
    }

    [Fact]
    public async Task AMoveIntoItsOwnSubfolder_Is409_AndUnknownOrForeignIdsAre404()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using var mallory = await FilesTestClient.CreateAsync(_app);
        var a = await CreateFolderAsync(alice, "a");
        var b = await CreateFolderAsync(alice, "b", a.Id);
        var file = await UploadAsync(alice, "f.txt", [1]);

        using (var cycle = await alice.Api.PatchAsJsonAsync($"api/folders/{a.Id}", new { parentId = b.Id }))
        {
            await AssertProblemAsync(cycle, HttpStatusCode.Conflict);
        }

        foreach (var response in new[]
        {
            await mallory.Api.GetAsync($"api/folders/{a.Id}/children"),
            await mallory.Api.PatchAsJsonAsync($"api/folders/{a.Id}", new { name = "mine" }),
            await mallory.Api.DeleteAsync($"api/folders/{a.Id}"),
            await mallory.Api.PostAsJsonAsync("api/folders", new { name = "x", parentId = a.Id }),
            await mallory.Api.PostAsync($"api/files?name=x.txt&folderId={a.Id}", new ByteArrayContent([1])),
            await mallory.Api.PostAsync($"api/trash/{file.Id}/restore", null),
            await mallory.Api.GetAsync($"api/files/{file.Id}/versions"),
            await mallory.Api.GetAsync($"api/folders/{a.Id}/zip"),
            await alice.Api.PatchAsJsonAsync($"api/files/{file.Id}", new { folderId = Guid.NewGuid() }),
            await alice.Api.GetAsync("api/folders/not-a-guid/children"),
            await alice.Api.DeleteAsync("api/folders/12345"),
        })
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            }
        }

        using var badParent = await alice.Api.PatchAsJsonAsync($"api/files/{file.Id}", new { folderId = 42 });
        await AssertProblemAsync(badParent, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AFolderZip_HoldsTheTreeAndTheBytes_WithEmptyFoldersToo()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var top = await CreateFolderAsync(alice, "Trip");
        var uploaded = new Dictionary<string, byte[]>
        {
            ["Trip/notes.txt"] = Encoding.UTF8.GetBytes(new string('x', 50_000)),
            ["Trip/day 1/photo.jpg"] = FilesTestClient.RandomBytes(120_000),
            ["Trip/day 1/deep/ü.bin"] = FilesTestClient.RandomBytes(3),
        };
        foreach (var (path, bytes) in uploaded)
        {
            var parts = path.Split('/');
            var folder = string.Join('/', parts[1..^1]);
            using var response = await alice.Api.PostAsync(
                $"api/files?name={Uri.EscapeDataString(parts[^1])}&folderId={top.Id}&path={Uri.EscapeDataString(folder)}", new ByteArrayContent(bytes));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        await CreateFolderAsync(alice, "empty", top.Id);

        using var zip = await alice.Api.GetAsync($"api/folders/{top.Id}/zip", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, zip.StatusCode);
        Assert.Equal("application/zip", zip.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Trip.zip", zip.Content.Headers.ContentDisposition?.FileNameStar);
        await using var archive = new ZipArchive(new MemoryStream(await zip.Content.ReadAsByteArrayAsync()));
        var files = archive.Entries.Where(e => !e.FullName.EndsWith('/')).ToDictionary(e => e.FullName, e => e);
        Assert.Equal(uploaded.Keys.Order(StringComparer.Ordinal), files.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, bytes) in uploaded)
        {
            await using var entry = await files[path].OpenAsync(TestContext.Current.CancellationToken);
            var copy = new MemoryStream();
            await entry.CopyToAsync(copy, TestContext.Current.CancellationToken);
            Assert.Equal(bytes, copy.ToArray());
        }

        Assert.Contains(archive.Entries, e => e.FullName == "Trip/empty/");
        Assert.All(archive.Entries, e => Assert.False(e.FullName.StartsWith('/') || e.FullName.Split('/').Contains("..")));
    }

    [Fact]
    public async Task ASelectionZip_NamesClashingTopLevelEntriesApart()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var a = await CreateFolderAsync(alice, "a");
        var b = await CreateFolderAsync(alice, "b");
        var one = await UploadAsync(alice, "same.txt", [1], a.Id);
        var two = await UploadAsync(alice, "same.txt", [2], b.Id);

        using var zip = await alice.Api.PostAsJsonAsync("api/zip", new { fileIds = new[] { one.Id, two.Id } });

        Assert.Equal(HttpStatusCode.OK, zip.StatusCode);
        await using var archive = new ZipArchive(new MemoryStream(await zip.Content.ReadAsByteArrayAsync()));
        Assert.Equal(["same (2).txt", "same.txt"], archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        using var empty = await alice.Api.PostAsJsonAsync("api/zip", new { fileIds = Array.Empty<Guid>() });
        await AssertProblemAsync(empty, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AResumableUpload_GoesIntoItsFolder_UnderItsRelativePath()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var target = await CreateFolderAsync(alice, "tus");
        var bytes = FilesTestClient.RandomBytes(70_000);
        var request = TusTestClient.Request(HttpMethod.Post, "api/uploads");
        request.Headers.Add("Upload-Length", bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("Upload-Metadata", string.Join(',',
            "filename " + Base64("big.bin"), "folderId " + Base64(target.Id.ToString()), "relativePath " + Base64("x/y")));
        using var created = await alice.Api.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var done = await alice.Api.PatchAsync(created.Headers.Location!.OriginalString, 0, bytes);

        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        var file = (await alice.Api.GetFromJsonAsync<FileItem>($"api/files/{TusTestClient.Header(done, "Vault-File-Id")}"))!;
        using var folder = JsonDocument.Parse(await alice.Api.GetStringAsync($"api/folders/{file.FolderId}"));
        Assert.Equal("/tus/x/y", folder.RootElement.GetProperty("path").GetString());

        var foreign = TusTestClient.Request(HttpMethod.Post, "api/uploads");
        foreign.Headers.Add("Upload-Length", "10");
        foreign.Headers.Add("Upload-Metadata", "filename " + Base64("a") + ",folderId " + Base64(Guid.NewGuid().ToString()));
        using var refused = await alice.Api.SendAsync(foreign);
        await AssertProblemAsync(refused, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task EmptyTrash_ReleasesTheQuota()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var file = await UploadAsync(alice, "big.bin", FilesTestClient.RandomBytes(10_000));
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.DeleteAsync($"api/files/{file.Id}")).StatusCode);
        Assert.Equal(10_000, await UsedAsync(alice));

        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.DeleteAsync("api/trash")).StatusCode);

        Assert.Equal(0, await UsedAsync(alice));
        Assert.Empty((await alice.Api.GetFromJsonAsync<JsonElement>("api/trash")).EnumerateArray());
    }

    private static async Task<long> UsedAsync(FilesTestClient client)
    {
        using var me = JsonDocument.Parse(await client.Api.GetStringAsync("api/usage"));
        return me.RootElement.GetProperty("usedBytes").GetInt64();
    }

    private static string Base64(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

    private static async Task<FolderItem> CreateFolderAsync(FilesTestClient client, string name, Guid? parentId = null)
    {
        using var response = await client.Api.PostAsJsonAsync("api/folders", new { name, parentId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<FolderItem>())!;
    }

    private static async Task<FileItem> UploadAsync(FilesTestClient client, string name, byte[] bytes, Guid? folderId = null)
    {
        var query = $"api/files?name={Uri.EscapeDataString(name)}" + (folderId is { } id ? $"&folderId={id}" : "");
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await client.Api.PostAsync(query, content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<FileItem>())!;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
    }

    public sealed class OnSqlite(SharedVaultApp.Sqlite shared) : TreeApiTests(shared), IClassFixture<SharedVaultApp.Sqlite>;

    public sealed class OnPostgreSql(SharedVaultApp.PostgreSql shared) : TreeApiTests(shared), IClassFixture<SharedVaultApp.PostgreSql>;
}
