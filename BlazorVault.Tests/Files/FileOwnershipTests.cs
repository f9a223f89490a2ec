using System.Net;
using System.Text.RegularExpressions;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Files;

/// <summary>Someone else's file, a missing one and a malformed id all answer the same 404, on every route.</summary>
public abstract partial class FileOwnershipTests(SharedVaultApp shared)
{
    private readonly VaultApp _app = shared.App;

    [Theory]
    [InlineData("GET", "api/files/{0}")]
    [InlineData("GET", "api/files/{0}/content")]
    [InlineData("DELETE", "api/files/{0}")]
    public async Task Api_WhenFileBelongsToAnotherUser_Returns404AndLeavesItAlone(string method, string route)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using var bob = await FilesTestClient.CreateAsync(_app);
        var bytes = FilesTestClient.RandomBytes(64);
        var item = await alice.UploadAsync("alice.bin", bytes);

        using var response = await bob.Api.SendAsync(new HttpRequestMessage(new HttpMethod(method), string.Format(null, route, item.Id)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("alice.bin", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(bytes, await alice.Api.GetByteArrayAsync($"api/files/{item.Id}/content"));
    }

    [Theory]
    [InlineData("GET", "api/files/{0}")]
    [InlineData("GET", "api/files/{0}/content")]
    [InlineData("DELETE", "api/files/{0}")]
    [InlineData("GET", "download/{0}")]
    [InlineData("GET", "delete/{0}")]
    public async Task AnyRoute_WithAMissingOrMalformedId_Returns404(string method, string route)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var client = route.StartsWith("api/", StringComparison.Ordinal) ? alice.Api : alice.Browser;

        foreach (var id in new[] { Guid.CreateVersion7().ToString(), "not-a-guid", "12345", "..x", "0192f0c1-0000-7000-8000-00000000000Z" })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), string.Format(null, route, id)));

            Assert.True(HttpStatusCode.NotFound == response.StatusCode, $"{method} {route} with {id}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task Download_WhenFileBelongsToAnotherUser_Returns404()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using var bob = await FilesTestClient.CreateAsync(_app);
        var item = await alice.UploadAsync("alice-secret.txt", "the secret"u8.ToArray());

        using var response = await bob.Browser.GetAsync($"download/{item.Id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("the secret", body, StringComparison.Ordinal);
        Assert.Null(response.Content.Headers.ContentDisposition);
    }

    [Fact]
    public async Task DeletePage_ShowsTheFileAndDeletesItOnConfirm()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var item = await alice.UploadAsync("to <delete>.txt", FilesTestClient.RandomBytes(2048));

        var page = await alice.Browser.GetStringAsync($"delete/{item.Id}");
        Assert.Contains("to &lt;delete&gt;.txt", page, StringComparison.Ordinal);
        Assert.Contains("2.0 kB (2,048 bytes)", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await alice.Api.GetAsync($"api/files/{item.Id}")).StatusCode);

        using var confirmed = await alice.Browser.PostFormAsync($"delete/{item.Id}", "delete-file", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal("/", _app.PathOf(confirmed.Headers.Location));
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Api.GetAsync($"api/files/{item.Id}")).StatusCode);
    }

    [Fact]
    public async Task DeletePage_WhenFileBelongsToAnotherUser_Returns404AndDeletesNothing()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using var bob = await FilesTestClient.CreateAsync(_app);
        var item = await alice.UploadAsync("alice-only.txt", [1, 2, 3]);

        using var shown = await bob.Browser.GetAsync($"delete/{item.Id}");
        // Bob's own antiforgery token, taken from a form he can see, on a POST to Alice's file.
        var token = AntiforgeryToken().Match(await bob.Browser.GetStringAsync("logout")).Groups[1].Value;
        using var posted = await bob.Browser.PostAsync($"delete/{item.Id}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["_handler"] = "delete-file",
        }));

        Assert.Equal(HttpStatusCode.NotFound, shown.StatusCode);
        Assert.DoesNotContain("alice-only.txt", await shown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
        Assert.DoesNotContain("alice-only.txt", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await alice.Api.GetAsync($"api/files/{item.Id}")).StatusCode);
    }

    [Fact]
    public async Task DeletePage_WhenSignedOut_RedirectsToSignIn()
    {
        using var anonymous = _app.CreateBrowserClient();

        using var response = await anonymous.GetAsync($"delete/{Guid.CreateVersion7()}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location?.AbsolutePath);
    }

    [GeneratedRegex("""<input[^>]*name="__RequestVerificationToken"[^>]*value="([^"]+)""")]
    private static partial Regex AntiforgeryToken();

    public sealed class OnSqlite(SharedVaultApp.Sqlite shared) : FileOwnershipTests(shared), IClassFixture<SharedVaultApp.Sqlite>;

    public sealed class OnPostgreSql(SharedVaultApp.PostgreSql shared) : FileOwnershipTests(shared), IClassFixture<SharedVaultApp.PostgreSql>;
}
