using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BlazorVault.Data;
using BlazorVault.Files.Tree;
using BlazorVault.Files.Uploads;
using BlazorVault.Sharing;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Files.Uploads;
using BlazorVault.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace BlazorVault.Tests.Sharing;

/// <summary>
/// File requests over HTTP, as an owner's API client and as visitors speaking tus by hand: creation and its
/// refusals, where files land and who pays, what visitors cannot reach, passwords, and the limits under races.
/// One app per class with a clock the tests move (proof and link expiry, the sweep of abandoned uploads).
/// </summary>
public abstract class FileRequestHttpTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string Password = "open sesame 42";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private VaultApp _app = null!;
    private FilesTestClient _owner = null!;

    public async ValueTask InitializeAsync()
    {
        _app = new VaultApp(services: s => s.AddSingleton<TimeProvider>(_clock), database: TestDatabase.Create(provider));
        _owner = await FilesTestClient.CreateAsync(_app);
    }

    public async ValueTask DisposeAsync()
    {
        _owner.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task CreateLink_RefusesBadBodies_WithProblemsNamingTheField()
    {
        var file = await _owner.UploadAsync("a.txt", [1, 2, 3]);
        var folder = await CreateFolderAsync(_owner, "Inbox");
        using var stranger = await FilesTestClient.CreateAsync(_app);
        var strangersFolder = await CreateFolderAsync(stranger, "Theirs");

        await AssertInvalidAsync(new { }, "kind");
        await AssertInvalidAsync(new { kind = "sideways" }, "kind");
        await AssertInvalidAsync(new { kind = "upload", fileId = file.Id }, "fileId");
        await AssertInvalidAsync(new { kind = "upload", maxDownloads = 3 }, "maxDownloads");
        await AssertInvalidAsync(new { kind = "upload", maxFiles = 0 }, "maxFiles");
        await AssertInvalidAsync(new { kind = "upload", maxBytes = 0 }, "maxBytes");
        await AssertInvalidAsync(new { kind = "upload", expiresInHours = -1 }, "expiresInHours");
        await AssertInvalidAsync(new { kind = "upload", password = "short" }, "password");
        await AssertInvalidAsync(new { kind = "download" }, "fileId");
        await AssertInvalidAsync(new { kind = "download", fileId = file.Id, folderId = folder.Id }, "folderId");
        await AssertInvalidAsync(new { kind = "download", fileId = file.Id, maxFiles = 2 }, "maxFiles");

        using (var theirs = await _owner.Api.PostAsJsonAsync("api/links", new { kind = "upload", folderId = strangersFolder.Id }))
        {
            Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        }

        using (var empty = await _owner.Api.PostAsync("api/links", new StringContent("", Encoding.UTF8, "application/json")))
        {
            await AssertProblemAsync(empty, HttpStatusCode.BadRequest);
        }

        using (var notJson = await _owner.Api.PostAsync("api/links", new StringContent("{\"kind\": \"upload\", \"maxFiles\": \"many\"}", Encoding.UTF8, "application/json")))
        {
            await AssertProblemAsync(notJson, HttpStatusCode.BadRequest);
        }

        using (var anonymous = await _app.CreateClient().PostAsJsonAsync("api/links", new { kind = "upload" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        // The one route makes download links too, by the file-link rules.
        using (var download = await _owner.Api.PostAsJsonAsync("api/links", new { kind = "download", fileId = file.Id, maxDownloads = 2 }))
        {
            Assert.Equal(HttpStatusCode.Created, download.StatusCode);
            using var json = JsonDocument.Parse(await download.Content.ReadAsStringAsync());
            Assert.Equal("file", json.RootElement.GetProperty("kind").GetString());
            Assert.Equal(file.Id, json.RootElement.GetProperty("fileId").GetGuid());
            Assert.Equal(2, json.RootElement.GetProperty("maxDownloads").GetInt32());
        }

        // And links to folders, by the folder-link rules.
        using (var download = await _owner.Api.PostAsJsonAsync("api/links", new { kind = "download", folderId = folder.Id, maxDownloads = 4 }))
        {
            Assert.Equal(HttpStatusCode.Created, download.StatusCode);
            using var json = JsonDocument.Parse(await download.Content.ReadAsStringAsync());
            Assert.Equal("folder", json.RootElement.GetProperty("kind").GetString());
            Assert.Equal(folder.Id, json.RootElement.GetProperty("folderId").GetGuid());
            Assert.Equal(4, json.RootElement.GetProperty("maxDownloads").GetInt32());
        }

        var (linkId, _) = await CreateRequestAsync(new { kind = "upload", folderId = folder.Id, maxFiles = 3, maxBytes = 5000, password = Password });
        using (var listed = JsonDocument.Parse(await _owner.Api.GetStringAsync("api/links")))
        {
            var request = listed.RootElement.GetProperty("items").EnumerateArray().Single(l => l.GetProperty("id").GetGuid() == linkId);
            Assert.Equal("upload", request.GetProperty("kind").GetString());
            Assert.Equal(folder.Id, request.GetProperty("folderId").GetGuid());
            Assert.Equal("Inbox", request.GetProperty("folderName").GetString());
            Assert.Equal((3, 5000L, 0, 0L), (request.GetProperty("maxFiles").GetInt32(), request.GetProperty("maxBytes").GetInt64(),
                request.GetProperty("filesReceived").GetInt32(), request.GetProperty("bytesReceived").GetInt64()));
            Assert.True(request.GetProperty("hasPassword").GetBoolean());
        }

        // PATCH changes a request's limits, and only a request's.
        using (var patched = await _owner.Api.PatchAsJsonAsync($"api/links/{linkId}", new { maxFiles = 7, maxBytes = (long?)null }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            using var json = JsonDocument.Parse(await patched.Content.ReadAsStringAsync());
            Assert.Equal(7, json.RootElement.GetProperty("maxFiles").GetInt32());
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("maxBytes").ValueKind);
        }

        using (var wrongKind = await _owner.Api.PatchAsJsonAsync($"api/links/{linkId}", new { maxDownloads = 3 }))
        {
            await AssertProblemAsync(wrongKind, HttpStatusCode.BadRequest, "maxDownloads");
        }

        var (fileLink, _) = await LinkVisitor.CreateLinkAsync(_owner, file.Id);
        using (var notARequest = await _owner.Api.PatchAsJsonAsync($"api/links/{fileLink}", new { maxFiles = 3 }))
        {
            await AssertProblemAsync(notARequest, HttpStatusCode.BadRequest, "maxFiles");
        }
    }

    [Fact]
    public async Task VisitorFiles_LandInTheirNamedFolder_RenamedOnConflict_ChargedToTheOwner_WithTheNoteBeside()
    {
        var inbox = await CreateFolderAsync(_owner, "Inbox");
        var (linkId, path) = await CreateRequestAsync(new { kind = "upload", folderId = inbox.Id });
        var usedBefore = await UsedBytesAsync();
        using var visitor = new LinkVisitor(_app, "198.51.100.7");

        // The page shows the drop zone, nothing of the folder.
        var page = await visitor.Client.GetStringAsync(path);
        Assert.Contains("data-testid=\"request-page\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Inbox", page, StringComparison.Ordinal);

        var first = FilesTestClient.RandomBytes(70_000);
        var second = FilesTestClient.RandomBytes(1_000);
        var url = await CreateUploadAsync(visitor.Client, path, first.Length, "report.pdf", name: "Bob / Smith", note: "Here is the report.\nCheers");
        Assert.StartsWith($"/{path}/uploads/", url, StringComparison.Ordinal);
        using (var half = await visitor.Client.PatchAsync(url, 0, first[..30_000]))
        {
            Assert.Equal(HttpStatusCode.NoContent, half.StatusCode);
            Assert.False(TusTestClient.HasHeader(half, "Vault-Upload-Complete"));
        }

        using (var rest = await visitor.Client.PatchAsync(url, 30_000, first[30_000..]))
        {
            Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
            Assert.Equal("true", TusTestClient.Header(rest, "Vault-Upload-Complete"));
            // Nothing of the owner's: no file id.
            Assert.False(TusTestClient.HasHeader(rest, TusEndpoints.FileIdHeader));
        }

        var again = await CreateUploadAsync(visitor.Client, path, second.Length, "report.pdf", name: "Bob / Smith");
        using (var whole = await visitor.Client.PatchAsync(again, 0, second))
        {
            Assert.Equal(HttpStatusCode.NoContent, whole.StatusCode);
        }

        var folder = Assert.Single(await ChildrenAsync(inbox.Id));
        Assert.Equal(("folder", "Bob - Smith"), (folder.Kind, folder.Name));
        var files = await ChildrenAsync(folder.Id);
        Assert.Equal(["Note from Bob - Smith.txt", "report (2).pdf", "report.pdf"], files.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(first, await _owner.Api.GetByteArrayAsync($"api/files/{files.Single(f => f.Name == "report.pdf").Id}/content"));
        Assert.Equal(second, await _owner.Api.GetByteArrayAsync($"api/files/{files.Single(f => f.Name == "report (2).pdf").Id}/content"));
        var note = await _owner.Api.GetStringAsync($"api/files/{files.Single(f => f.Name.StartsWith("Note", StringComparison.Ordinal)).Id}/content");
        Assert.Equal("Here is the report.\nCheers\n", note);
        Assert.Equal(usedBefore + first.Length + second.Length + Encoding.UTF8.GetByteCount(note), await UsedBytesAsync());

        // Without a name, straight into the folder.
        var anonymous = await CreateUploadAsync(visitor.Client, path, 3, "plain.txt");
        using (await visitor.Client.PatchAsync(anonymous, 0, [1, 2, 3]))
        {
        }

        Assert.Contains(await ChildrenAsync(inbox.Id), e => e.Name == "plain.txt" && e.Kind == "file");

        await _app.Services.GetRequiredService<ShareAccessLog>().FlushAsync(TestContext.Current.CancellationToken);
        using var log = JsonDocument.Parse(await _owner.Api.GetStringAsync($"api/links/{linkId}/log"));
        var received = log.RootElement.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "uploadReceived")
            .Select(e => e.GetProperty("bytes").GetInt64()).Order().ToList();
        Assert.Equal([3L, second.Length, first.Length], received);
        Assert.Contains(log.RootElement.GetProperty("items").EnumerateArray(), e => e.GetProperty("kind").GetString() == "pageView");
    }

    [Fact]
    public async Task VisitorName_ThatIsAnOwnersFileName_GetsAFreeFolderName_AndTellsNothing()
    {
        var inbox = await CreateFolderAsync(_owner, "Inbox");
        await UploadIntoAsync(_owner, "Alice", [9], inbox.Id);
        var (_, path) = await CreateRequestAsync(new { kind = "upload", folderId = inbox.Id });
        using var visitor = new LinkVisitor(_app);
        var url = await CreateUploadAsync(visitor.Client, path, 2, "x.bin", name: "Alice");
        using (var done = await visitor.Client.PatchAsync(url, 0, [1, 2]))
        {
            Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        }

        Assert.Contains(await ChildrenAsync(inbox.Id), e => e.Kind == "folder" && e.Name == "Alice (2)");
    }

    [Fact]
    public async Task Visitors_CannotReachOtherUploads_NorTheOwnersFiles()
    {
        var secret = await _owner.UploadAsync("secret.txt", [4, 5, 6]);
        var (_, path) = await CreateRequestAsync(new { kind = "upload" });
        using var alice = new LinkVisitor(_app, "198.51.100.1");
        using var mallory = new LinkVisitor(_app, "203.0.113.9");
        var alices = await CreateUploadAsync(alice.Client, path, 10, "mine.bin");
        using (await alice.Client.PatchAsync(alices, 0, new byte[5]))
        {
        }

        // Mallory is a visitor too, with an upload (and so a visitor's cookie) of her own.
        var mallorys = await CreateUploadAsync(mallory.Client, path, 10, "hers.bin");
        Assert.Equal(0, await mallory.Client.OffsetAsync(mallorys));

        // Knowing the link is not enough: another visitor gets 404 for HEAD, PATCH and DELETE of it.
        Assert.Null(await mallory.Client.OffsetAsync(alices));
        using (var patch = await mallory.Client.PatchAsync(alices, 5, new byte[5]))
        {
            Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        }

        using (var delete = await mallory.Client.TerminateAsync(alices))
        {
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }

        Assert.Equal(5, await alice.Client.OffsetAsync(alices));

        // The owner's own upload is not reachable through the link, nor a visitor's through the owner's API.
        var ownersUpload = await _owner.Api.CreateUploadAsync(10);
        var ownersId = ownersUpload[(ownersUpload.LastIndexOf('/') + 1)..];
        Assert.Null(await mallory.Client.OffsetAsync($"{path}/uploads/{ownersId}"));
        Assert.Null(await _owner.Api.OffsetAsync($"api/uploads/{alices[(alices.LastIndexOf('/') + 1)..]}"));

        // No listing, no download, no file of the owner's by id.
        foreach (var probe in new[] { $"{path}/uploads", $"{path}/download", $"{path}/view", $"{path}/uploads/{secret.Id:N}", $"s/{secret.Id}" })
        {
            using var answer = await mallory.Client.GetAsync(probe);
            Assert.True(answer.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{probe}: {answer.StatusCode}");
            Assert.DoesNotContain("secret.txt", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Deferred lengths are refused: the link's byte limit is reserved at creation.
        var deferred = TusTestClient.Request(HttpMethod.Post, $"{path}/uploads");
        deferred.Headers.Add("Upload-Defer-Length", "1");
        using (var refused = await mallory.Client.SendAsync(deferred))
        {
            await AssertProblemAsync(refused, HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task PasswordRequest_RefusesUploads_WithoutItsOwnLiveProof()
    {
        var (_, path) = await CreateRequestAsync(new { kind = "upload", password = Password });
        var (_, otherPath) = await CreateRequestAsync(new { kind = "upload", password = Password });
        using var visitor = new LinkVisitor(_app);
        var page = await visitor.Client.GetStringAsync(path);
        Assert.Contains("shared-locked", page, StringComparison.Ordinal);
        Assert.DoesNotContain("request-drop", page, StringComparison.Ordinal);

        using var raw = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = _app.BaseAddress };
        Assert.Equal(HttpStatusCode.NotFound, await CreateStatusAsync(raw, path, proof: null));
        string othersProof;
        using (var otherVisitor = new LinkVisitor(_app))
        {
            othersProof = await otherVisitor.UnlockAsync(otherPath, Password);
            Assert.Equal(HttpStatusCode.NotFound, await CreateStatusAsync(raw, path, othersProof));
        }

        var proof = await visitor.UnlockAsync(path, Password);
        Assert.Equal(HttpStatusCode.Created, await CreateStatusAsync(raw, path, proof));
        var url = await CreateUploadAsync(visitor.Client, path, 8, "a.bin");
        var secret = visitor.Cookies.GetCookies(new Uri(_app.BaseAddress, $"{path}/uploads"))[FileRequestEndpoints.VisitorCookie]!.Value;
        using (var noProof = await raw.SendAsync(WithCookies(Patch(url, 0, 4), $"{FileRequestEndpoints.VisitorCookie}={secret}")))
        {
            Assert.Equal(HttpStatusCode.NotFound, noProof.StatusCode);
        }

        using (var withOthersProof = await raw.SendAsync(WithCookies(Patch(url, 0, 4), $"{FileRequestEndpoints.VisitorCookie}={secret}; {ShareClient.PasswordCookie}={othersProof}")))
        {
            Assert.Equal(HttpStatusCode.NotFound, withOthersProof.StatusCode);
        }

        using (var proven = await raw.SendAsync(WithCookies(Patch(url, 0, 4), $"{FileRequestEndpoints.VisitorCookie}={secret}; {ShareClient.PasswordCookie}={proof}")))
        {
            Assert.Equal(HttpStatusCode.NoContent, proven.StatusCode);
        }

        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.NotFound, await CreateStatusAsync(raw, path, proof));
        using (var expired = await visitor.Client.PatchAsync(url, 4, new byte[4]))
        {
            Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        }

        Assert.Null(await visitor.Client.OffsetAsync(url));
    }

    [Fact]
    public async Task MaxFilesOne_WithTenParallelCreations_AcceptsExactlyOne()
    {
        var (linkId, path) = await CreateRequestAsync(new { kind = "upload", maxFiles = 1 });
        var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            using var visitor = new LinkVisitor(_app, $"198.51.100.{i + 1}");
            return await CreateStatusAsync(visitor.Client, path, proof: null, length: 100);
        }));
        Assert.Single(statuses, s => s == HttpStatusCode.Created);
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Forbidden, s));
        Assert.Equal((1, 100L), await ReceivedAsync(linkId));
    }

    [Fact]
    public async Task MaxBytes_WithParallelCreations_IsNeverPassed()
    {
        var (linkId, path) = await CreateRequestAsync(new { kind = "upload", maxBytes = 1_000 });
        var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            using var visitor = new LinkVisitor(_app, $"198.51.100.{i + 1}");
            return await CreateStatusAsync(visitor.Client, path, proof: null, length: 300);
        }));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.RequestEntityTooLarge, s));
        Assert.Equal((3, 900L), await ReceivedAsync(linkId));

        // One more that would pass the limit alone: 413 problem+json.
        using var visitor = new LinkVisitor(_app);
        using var tooBig = await CreateRawAsync(visitor.Client, path, 1_001, "big.bin");
        await AssertProblemAsync(tooBig, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task TerminationAndExpiry_GiveTheReservationBack()
    {
        var (linkId, path) = await CreateRequestAsync(new { kind = "upload", maxFiles = 1, expiresInHours = 200 });
        using var visitor = new LinkVisitor(_app);
        var url = await CreateUploadAsync(visitor.Client, path, 50, "a.bin");
        Assert.Equal(HttpStatusCode.Forbidden, await CreateStatusAsync(visitor.Client, path, proof: null));
        using (var terminated = await visitor.Client.TerminateAsync(url))
        {
            Assert.Equal(HttpStatusCode.NoContent, terminated.StatusCode);
        }

        Assert.Equal((0, 0L), await ReceivedAsync(linkId));
        var abandoned = await CreateUploadAsync(visitor.Client, path, 50, "b.bin");
        using (await visitor.Client.PatchAsync(abandoned, 0, new byte[20]))
        {
        }

        var usedWhileReserved = await UsedBytesAsync();
        _clock.Advance(_app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<UploadOptions>>().Value.Expiry + TimeSpan.FromMinutes(1));
        await _app.Services.GetRequiredService<TusUploadService>().SweepExpiredAsync(TestContext.Current.CancellationToken);
        Assert.Equal((0, 0L), await ReceivedAsync(linkId));
        Assert.Equal(usedWhileReserved - 50, await UsedBytesAsync());
        Assert.Equal(HttpStatusCode.Created, await CreateStatusAsync(visitor.Client, path, proof: null));
    }

    [Fact]
    public async Task RevokedOrExpiredRequest_StopsAnUploadMidWay()
    {
        var inbox = await CreateFolderAsync(_owner, "Inbox");
        var (linkId, path) = await CreateRequestAsync(new { kind = "upload", folderId = inbox.Id, expiresInHours = 1 });
        using var visitor = new LinkVisitor(_app);
        var revoked = await CreateUploadAsync(visitor.Client, path, 20, "revoked.bin");
        var expired = await CreateUploadAsync(visitor.Client, path, 20, "expired.bin");
        foreach (var url in new[] { revoked, expired })
        {
            using var half = await visitor.Client.PatchAsync(url, 0, new byte[10]);
            Assert.Equal(HttpStatusCode.NoContent, half.StatusCode);
        }

        _clock.Advance(TimeSpan.FromHours(1));
        using (var late = await visitor.Client.PatchAsync(expired, 10, new byte[10]))
        {
            Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await visitor.Client.GetAsync(path)).StatusCode);

        using (var extended = await _owner.Api.PatchAsJsonAsync($"api/links/{linkId}", new { expiresInHours = 5 }))
        {
            Assert.Equal(HttpStatusCode.OK, extended.StatusCode);
        }

        Assert.Equal(10, await visitor.Client.OffsetAsync(revoked));
        using (var revoke = await _owner.Api.DeleteAsync($"api/links/{linkId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using (var afterRevoke = await visitor.Client.PatchAsync(revoked, 10, new byte[10]))
        {
            Assert.Equal(HttpStatusCode.NotFound, afterRevoke.StatusCode);
        }

        Assert.Null(await visitor.Client.OffsetAsync(revoked));
        Assert.Equal(HttpStatusCode.NotFound, await CreateStatusAsync(visitor.Client, path, proof: null));
        Assert.Empty(await ChildrenAsync(inbox.Id));
    }

    [Fact]
    public async Task OpenApi_DescribesLinkCreationAndTheVisitorsUploads()
    {
        using var document = JsonDocument.Parse(await _app.CreateClient().GetStringAsync("openapi/v1.json", TestContext.Current.CancellationToken));
        var paths = document.RootElement.GetProperty("paths");
        var create = paths.GetProperty("/api/links").GetProperty("post");
        Assert.Equal("CreateLink", create.GetProperty("operationId").GetString());
        Assert.Contains("file request", create.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var schema = create.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
        var properties = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(schema[(schema.LastIndexOf('/') + 1)..]).GetProperty("properties");
        foreach (var name in new[] { "kind", "fileId", "folderId", "expiresInHours", "password", "maxDownloads", "maxFiles", "maxBytes" })
        {
            Assert.True(properties.TryGetProperty(name, out _), name);
        }

        Assert.Equal("CreateRequestUpload", paths.GetProperty("/s/{link}/uploads").GetProperty("post").GetProperty("operationId").GetString());
        var upload = paths.GetProperty("/s/{link}/uploads/{id}");
        Assert.Equal(
            ["AppendToRequestUpload", "GetRequestUploadOffset", "TerminateRequestUpload"],
            new[] { "patch", "head", "delete" }.Select(m => upload.GetProperty(m).GetProperty("operationId").GetString()).Order(StringComparer.Ordinal));
    }

    private sealed record Entry(Guid Id, string Kind, string Name);

    private async Task<(Guid Id, string Path)> CreateRequestAsync(object body)
    {
        using var response = await _owner.Api.PostAsJsonAsync("api/links", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("upload", json.RootElement.GetProperty("kind").GetString());
        return (json.RootElement.GetProperty("id").GetGuid(), new Uri(json.RootElement.GetProperty("url").GetString()!).AbsolutePath.TrimStart('/'));
    }

    private async Task AssertInvalidAsync(object body, string field)
    {
        using var response = await _owner.Api.PostAsJsonAsync("api/links", body);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            using var problem = JsonDocument.Parse(text);
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), text);
        }
    }

    private static Task<HttpResponseMessage> CreateRawAsync(HttpClient client, string path, long length, string name, string? visitorName = null, string? note = null, string? proof = null)
    {
        var request = TusTestClient.Request(HttpMethod.Post, $"{path}/uploads");
        request.Headers.Add("Upload-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var metadata = new List<string> { "filename " + Base64(name) };
        if (visitorName is not null)
        {
            metadata.Add("name " + Base64(visitorName));
        }

        if (note is not null)
        {
            metadata.Add("note " + Base64(note));
        }

        request.Headers.Add("Upload-Metadata", string.Join(',', metadata));
        if (proof is not null)
        {
            request.Headers.Add("Cookie", $"{ShareClient.PasswordCookie}={proof}");
        }

        return client.SendAsync(request);
    }

    private static async Task<string> CreateUploadAsync(HttpClient client, string path, long length, string fileName, string? name = null, string? note = null)
    {
        using var response = await CreateRawAsync(client, path, length, fileName, name, note);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        Assert.False(TusTestClient.HasHeader(response, TusEndpoints.FileIdHeader));
        return response.Headers.Location!.OriginalString;
    }

    private static async Task<HttpStatusCode> CreateStatusAsync(HttpClient client, string path, string? proof, long length = 10)
    {
        using var response = await CreateRawAsync(client, path, length, "f.bin", proof: proof);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        return response.StatusCode;
    }

    private static HttpRequestMessage Patch(string url, long offset, int length)
    {
        var content = new ByteArrayContent(new byte[length]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(TusTestClient.OffsetContentType);
        var request = TusTestClient.Request(HttpMethod.Patch, url, content);
        request.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return request;
    }

    private static HttpRequestMessage WithCookies(HttpRequestMessage request, string cookies)
    {
        request.Headers.Add("Cookie", cookies);
        return request;
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private async Task<(int Files, long Bytes)> ReceivedAsync(Guid linkId)
    {
        using var listed = JsonDocument.Parse(await _owner.Api.GetStringAsync("api/links"));
        var link = listed.RootElement.GetProperty("items").EnumerateArray().Single(l => l.GetProperty("id").GetGuid() == linkId);
        return (link.GetProperty("filesReceived").GetInt32(), link.GetProperty("bytesReceived").GetInt64());
    }

    private async Task<long> UsedBytesAsync()
    {
        using var usage = JsonDocument.Parse(await _owner.Api.GetStringAsync("api/usage"));
        return usage.RootElement.GetProperty("usedBytes").GetInt64();
    }

    private async Task<List<Entry>> ChildrenAsync(Guid folderId)
    {
        using var children = JsonDocument.Parse(await _owner.Api.GetStringAsync($"api/folders/{folderId}/children"));
        return [.. children.RootElement.GetProperty("items").EnumerateArray()
            .Select(e => new Entry(e.GetProperty("id").GetGuid(), e.GetProperty("kind").GetString()!, e.GetProperty("name").GetString()!))];
    }

    private static async Task<FolderItem> CreateFolderAsync(FilesTestClient client, string name)
    {
        using var response = await client.Api.PostAsJsonAsync("api/folders", new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<FolderItem>())!;
    }

    private static async Task UploadIntoAsync(FilesTestClient client, string name, byte[] bytes, Guid folderId)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await client.Api.PostAsync($"api/files?name={Uri.EscapeDataString(name)}&folderId={folderId}", content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public sealed class OnSqlite() : FileRequestHttpTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : FileRequestHttpTests(DatabaseProvider.PostgreSql);
}
