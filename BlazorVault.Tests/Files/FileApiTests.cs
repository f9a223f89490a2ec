using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using BlazorVault.Files;

namespace BlazorVault.Tests.Files;

public abstract class FileApiTests(SharedVaultApp shared)
{
    private readonly Infrastructure.VaultApp _app = shared.App;

    [Fact]
    public async Task Upload_WithARawBody_StoresTheBytesAndDownloadsThemBack()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var bytes = FilesTestClient.RandomBytes(300_000);

        using var response = await alice.UploadRawAsync("notes.txt", bytes, "text/plain");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var item = (await response.Content.ReadFromJsonAsync<FileItem>())!;
        Assert.Equal($"/api/files/{item.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal("notes.txt", item.Name);
        Assert.Equal(bytes.Length, item.Size);
        Assert.Equal("text/plain", item.ContentType);
        Assert.Equal(FilesTestClient.Sha256(bytes), item.Sha256);

        var downloaded = await alice.Api.GetByteArrayAsync($"api/files/{item.Id}/content");
        Assert.Equal(FilesTestClient.Sha256(bytes), FilesTestClient.Sha256(downloaded));
        Assert.Equal(item, await alice.Api.GetFromJsonAsync<FileItem>($"api/files/{item.Id}"));
    }

    [Fact]
    public async Task Upload_ReturnsTheDocumentedJsonShape()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        await alice.UploadAsync("shape.bin", [1, 2, 3]);

        using var list = JsonDocument.Parse(await alice.Api.GetStringAsync("api/files"));

        Assert.Equal(["items", "total", "page", "pageSize"], list.RootElement.EnumerateObject().Select(p => p.Name));
        var item = Assert.Single(list.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(["id", "name", "size", "contentType", "sha256", "createdAt", "folderId"], item.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Upload_AsMultipartFormData_StoresTheFilePartUnderItsOwnName()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var bytes = FilesTestClient.RandomBytes(200_000);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("a form field before the file"), "note" },
        };
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "file", "Urlaubsfoto – Strand.jpg");

        using var response = await alice.Api.PostAsync("api/files", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var item = (await response.Content.ReadFromJsonAsync<FileItem>())!;
        Assert.Equal("Urlaubsfoto – Strand.jpg", item.Name);
        Assert.Equal("image/jpeg", item.ContentType);
        Assert.Equal(bytes.Length, item.Size);
        var downloaded = await alice.Api.GetByteArrayAsync($"api/files/{item.Id}/content");
        Assert.Equal(FilesTestClient.Sha256(bytes), FilesTestClient.Sha256(downloaded));
    }

    [Fact]
    public async Task Upload_AsMultipartWithTwoFiles_Is400AndStoresNeither()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent([1, 2, 3]), "file", "one.bin" },
            { new ByteArrayContent([4, 5, 6]), "file", "two.bin" },
        };

        using var response = await alice.Api.PostAsync("api/files", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await alice.ListAsync()).Total);
    }

    [Fact]
    public async Task Upload_AsMultipartWithoutAFilePart_Is400()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using var form = new MultipartFormDataContent { { new StringContent("just text"), "note" } };

        using var response = await alice.Api.PostAsync("api/files", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await alice.ListAsync()).Total);
    }

    [Fact]
    public async Task Upload_LargerThanKestrelsDefaultLimit_StreamsThroughIntact()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        const long length = 40L * 1024 * 1024;

        using var response = await alice.Api.PostAsync(FilesTestClient.UploadPath("big.bin"), new StreamContent(new GeneratedStream(length)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var item = (await response.Content.ReadFromJsonAsync<FileItem>())!;
        Assert.Equal(length, item.Size);
        var expected = GeneratedStream.Sha256Of(length);
        Assert.Equal(expected, item.Sha256);
        await using var download = await alice.Api.GetStreamAsync($"api/files/{item.Id}/content");
        Assert.Equal(expected, Convert.ToHexStringLower(await SHA256.HashDataAsync(download)));
    }

    [Fact]
    public async Task Upload_OfAZeroByteFile_IsAllowed()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);

        var item = await alice.UploadAsync("empty.txt", []);

        Assert.Equal(0, item.Size);
        Assert.Equal(FilesTestClient.Sha256([]), item.Sha256);
        using var download = await alice.Api.GetAsync($"api/files/{item.Id}/content");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Empty(await download.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("../x", "x")]
    [InlineData("a\\b", "b")]
    [InlineData("/etc/passwd", "passwd")]
    [InlineData("D:\\Documents\\report.pdf", "report.pdf")]
    [InlineData("line\r\nbreak.txt", "linebreak.txt")]
    [InlineData("nul\0byte.txt", "nulbyte.txt")]
    [InlineData("  padded.txt  ", "padded.txt")]
    [InlineData("résumé 日本語 📄.txt", "résumé 日本語 📄.txt")]
    public async Task Upload_WithAPathOrControlCharactersInTheName_KeepsOnlyASafeDisplayName(string name, string stored)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);

        var item = await alice.UploadAsync(name, [42]);

        Assert.Equal(stored, item.Name);
        // The name is never used as a path: nothing by that name appears anywhere in the data directory.
        Assert.DoesNotContain(Directory.EnumerateFiles(_app.DataDirectory, "*", SearchOption.AllDirectories), f => Path.GetFileName(f) == stored);
        Assert.False(File.Exists(Path.Combine(_app.DataDirectory, "..", "x")));
    }

    [Fact]
    public async Task Upload_WithA5000CharacterName_KeepsTheFirst255()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);

        var item = await alice.UploadAsync(new string('a', 5000), [1]);

        Assert.Equal(new string('a', 255), item.Name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\r\n")]
    [InlineData("..")]
    [InlineData("dir/")]
    public async Task Upload_WithoutAUsableName_Is400AndStoresNothing(string? name)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);

        using var response = await alice.UploadRawAsync(name, [1, 2, 3]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await alice.ListAsync()).Total);
    }

    [Fact]
    public async Task Upload_SixteenInParallelByOneUser_AllLandIntact()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var payloads = Enumerable.Range(0, 16).Select(_ => FilesTestClient.RandomBytes(150_000)).ToArray();

        var items = await Task.WhenAll(payloads.Select((bytes, i) => alice.UploadAsync($"parallel-{i}.bin", bytes)));

        Assert.Equal(16, (await alice.ListAsync()).Total);
        for (var i = 0; i < payloads.Length; i++)
        {
            var downloaded = await alice.Api.GetByteArrayAsync($"api/files/{items[i].Id}/content");
            Assert.Equal(FilesTestClient.Sha256(payloads[i]), FilesTestClient.Sha256(downloaded));
        }
    }

    [Fact]
    public async Task List_PagesSearchesAndSorts_OnlyTheCallersFiles()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using var bob = await FilesTestClient.CreateAsync(_app);
        await bob.UploadAsync("bob-secret.txt", [9]);
        // Uploaded in this order, with these sizes.
        (string Name, int Size)[] files = [("b.txt", 3), ("a.txt", 5), ("c.log", 1), ("A2.txt", 4), ("Report-final.pdf", 2)];
        foreach (var (name, size) in files)
        {
            await alice.UploadAsync(name, FilesTestClient.RandomBytes(size));
            // Date order is the order of version 7 ids, which is only by the millisecond.
            await Task.Delay(2);
        }

        static string[] Names(FileListResponse page) => [.. page.Items.Select(i => i.Name)];

        var first = await alice.ListAsync("?page=1&pageSize=2&sort=name");
        Assert.Equal(["a.txt", "A2.txt"], Names(first));
        Assert.Equal((5, 1, 2), (first.Total, first.Page, first.PageSize));
        var last = await alice.ListAsync("?page=3&pageSize=2&sort=name");
        Assert.Equal(["Report-final.pdf"], Names(last));
        Assert.Empty((await alice.ListAsync("?page=4&pageSize=2&sort=name")).Items);

        Assert.Equal(["Report-final.pdf", "c.log", "b.txt", "A2.txt", "a.txt"], Names(await alice.ListAsync("?sort=-name")));
        Assert.Equal(["a.txt", "A2.txt", "b.txt", "Report-final.pdf", "c.log"], Names(await alice.ListAsync("?sort=-size")));
        Assert.Equal(["c.log", "Report-final.pdf", "b.txt", "A2.txt", "a.txt"], Names(await alice.ListAsync("?sort=size")));
        Assert.Equal(["b.txt", "a.txt", "c.log", "A2.txt", "Report-final.pdf"], Names(await alice.ListAsync("?sort=date")));
        Assert.Equal(["Report-final.pdf", "A2.txt", "c.log", "a.txt", "b.txt"], Names(await alice.ListAsync("?sort=-date")));

        var defaults = await alice.ListAsync();
        Assert.Equal((5, 1, 50), (defaults.Total, defaults.Page, defaults.PageSize));
        Assert.Equal(Names(await alice.ListAsync("?sort=-date")), Names(defaults));
        Assert.DoesNotContain("bob-secret.txt", Names(defaults));

        var search = await alice.ListAsync("?q=TXT&sort=name");
        Assert.Equal(["a.txt", "A2.txt", "b.txt"], Names(search));
        Assert.Equal(3, search.Total);
        Assert.Equal(["Report-final.pdf"], Names(await alice.ListAsync("?q=report")));
        Assert.Empty((await alice.ListAsync("?q=bob")).Items);
        Assert.Empty((await alice.ListAsync("?q=%25")).Items);
        Assert.Equal(500, (await alice.ListAsync("?pageSize=500")).PageSize);
    }

    [Theory]
    [InlineData("?page=0")]
    [InlineData("?page=-1")]
    [InlineData("?page=abc")]
    [InlineData("?page=99999999999")]
    [InlineData("?page=2147483647&pageSize=500")]
    [InlineData("?pageSize=0")]
    [InlineData("?pageSize=501")]
    [InlineData("?pageSize=1.5")]
    [InlineData("?sort=newest")]
    [InlineData("?sort=")]
    public async Task List_WithABadParameter_Is400WithAProblemBody(string query)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);

        using var response = await alice.Api.GetAsync("api/files" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Delete_MovesTheFileToTheTrash_AndDeletingItThereRemovesItsBytes()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var item = await alice.UploadAsync("gone.bin", FilesTestClient.RandomBytes(1000));

        using var response = await alice.Api.DeleteAsync($"api/files/{item.Id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Api.GetAsync($"api/files/{item.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Api.GetAsync($"api/files/{item.Id}/content")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Api.DeleteAsync($"api/files/{item.Id}")).StatusCode);
        // In the trash the bytes stay, in whichever store the app uses.
        Assert.True(await Infrastructure.StagedBytes.BlobExistsAsync(_app, item.Sha256));

        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.DeleteAsync($"api/trash/{item.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Api.DeleteAsync($"api/trash/{item.Id}")).StatusCode);
        Assert.DoesNotContain(Directory.EnumerateFiles(_app.DataDirectory, "*", SearchOption.AllDirectories), f => Path.GetFileName(f) == item.Sha256);
        Assert.False(await Infrastructure.StagedBytes.BlobExistsAsync(_app, item.Sha256));
    }

    [Theory]
    [InlineData("GET", "api/files")]
    [InlineData("POST", "api/files?name=a.txt")]
    [InlineData("GET", "api/files/0192f0c1-0000-7000-8000-000000000000")]
    [InlineData("GET", "api/files/0192f0c1-0000-7000-8000-000000000000/content")]
    [InlineData("DELETE", "api/files/0192f0c1-0000-7000-8000-000000000000")]
    [InlineData("GET", "api/files/not-a-guid")]
    public async Task Api_WithoutAToken_Is401NotARedirect(string method, string path)
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent([1]) });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Api_WithOnlyASessionCookie_Is401()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);

        using var response = await alice.Browser.GetAsync("api/files");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task OpenApi_DescribesTheFilesApi()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.GetAsync("openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/files", out var files));
        Assert.Equal("ListFiles", files.GetProperty("get").GetProperty("operationId").GetString());
        Assert.Equal("UploadFile", files.GetProperty("post").GetProperty("operationId").GetString());
        Assert.True(paths.TryGetProperty("/api/files/{id}", out _));
        Assert.True(paths.TryGetProperty("/api/files/{id}/content", out _));
        Assert.False(paths.TryGetProperty("/download/{id}", out _));
        Assert.Equal("bearer", document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.True(files.GetProperty("get").GetProperty("security")[0].TryGetProperty("Bearer", out _));
        Assert.False(paths.GetProperty("/api/token").GetProperty("post").TryGetProperty("security", out _));
    }

    public sealed class OnSqlite(SharedVaultApp.Sqlite shared) : FileApiTests(shared), IClassFixture<SharedVaultApp.Sqlite>;

    public sealed class OnPostgreSql(SharedVaultApp.PostgreSql shared) : FileApiTests(shared), IClassFixture<SharedVaultApp.PostgreSql>;
}

/// <summary><see cref="FileApiTests"/> as several instances run it: PostgreSQL, and the bytes in a bucket (<c>Vault:Storage:Provider=S3</c>).</summary>
public sealed class FileApiOnS3Tests(S3SharedVaultApp shared) : FileApiTests(shared), IClassFixture<S3SharedVaultApp>;
