using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorVault.Files;
using BlazorVault.Files.Tree;
using BlazorVault.Sharing;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace BlazorVault.Tests.Sharing;

/// <summary>
/// A folder link with a password serves nothing, by any of its routes (listing, subfolder, file download, HEAD, Range,
/// its grant, view, thumbnail, ZIP), without a proof of that password for that link: tried with no proof, an expired
/// one, another folder link's and a file link's, each against a proof that works.
/// </summary>
public sealed class FolderSharePasswordTests : IAsyncLifetime
{
    private const string Password = "folder sesame 42";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private VaultApp _app = null!;
    private FilesTestClient _alice = null!;
    private FolderItem _shared = null!;
    private FolderItem _sub = null!;
    private FileItem _file = null!;
    private byte[] _bytes = null!;

    public async ValueTask InitializeAsync()
    {
        _app = new VaultApp(services: s => s.AddSingleton<TimeProvider>(_clock));
        _alice = await FilesTestClient.CreateAsync(_app);
        _shared = await FolderShareHttpTests.CreateFolderAsync(_alice, "Secret Projects");
        _sub = await FolderShareHttpTests.CreateFolderAsync(_alice, "Hidden Sub", _shared.Id);
        _bytes = FilesTestClient.RandomBytes(30_000);
        _file = await FolderShareHttpTests.UploadAsync(_alice, "plans.txt", _bytes, _sub.Id, "text/plain");
    }

    public async ValueTask DisposeAsync()
    {
        _alice.Dispose();
        await _app.DisposeAsync();
    }

    private HttpClient Raw() =>
        new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = _app.BaseAddress };

    private static HttpRequestMessage Request(HttpMethod method, string path, string? proof, string? range = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (proof is not null)
        {
            request.Headers.Add("Cookie", $"{ShareClient.PasswordCookie}={proof}");
        }

        if (range is not null)
        {
            request.Headers.Range = RangeHeaderValue.Parse(range);
        }

        return request;
    }

    private async Task<string> PasswordFolderLinkAsync() =>
        (await FolderShareHttpTests.CreateFolderLinkAsync(_alice, _shared.Id, new { password = Password })).Path;

    private async Task<string> GrantUrlAsync(string path, string proof)
    {
        using var client = Raw();
        using var redirect = await client.SendAsync(Request(HttpMethod.Get, $"{path}/files/{_file.Id}/download", proof));
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        return _app.PathOf(redirect.Headers.Location)!.TrimStart('/');
    }

    private async Task AssertNothingServedAsync(string path, string? proof, string? grantUrl = null)
    {
        using var client = Raw();
        var file = $"{path}/files/{_file.Id}";
        var answers = new Dictionary<string, HttpResponseMessage>
        {
            ["page"] = await client.SendAsync(Request(HttpMethod.Get, path, proof)),
            ["subfolder"] = await client.SendAsync(Request(HttpMethod.Get, $"{path}/f/{_sub.Id}", proof)),
            ["subfolder page 2"] = await client.SendAsync(Request(HttpMethod.Get, $"{path}/f/{_sub.Id}?page=2", proof)),
            ["download"] = await client.SendAsync(Request(HttpMethod.Get, file + "/download", proof)),
            ["head"] = await client.SendAsync(Request(HttpMethod.Head, file + "/download", proof)),
            ["range"] = await client.SendAsync(Request(HttpMethod.Get, file + "/download", proof, "bytes=100-")),
            ["probe"] = await client.SendAsync(Request(HttpMethod.Get, file + "/download", proof, "bytes=0-0")),
            ["proof as grant"] = await client.SendAsync(Request(HttpMethod.Get, $"{file}/download?token={proof}", proof)),
            ["view"] = await client.SendAsync(Request(HttpMethod.Get, file + "/view", proof)),
            ["view head"] = await client.SendAsync(Request(HttpMethod.Head, file + "/view", proof)),
            ["view range"] = await client.SendAsync(Request(HttpMethod.Get, file + "/view", proof, "bytes=100-")),
            ["thumbnail"] = await client.SendAsync(Request(HttpMethod.Get, file + "/thumbnail?size=list", proof)),
            ["zip"] = await client.SendAsync(Request(HttpMethod.Get, path + "/zip", proof)),
            ["zip head"] = await client.SendAsync(Request(HttpMethod.Head, path + "/zip", proof)),
            ["zip selection"] = await client.SendAsync(Request(HttpMethod.Get, $"{path}/zip?file={_file.Id}&folder={_sub.Id}", proof)),
            ["file link routes"] = await client.SendAsync(Request(HttpMethod.Get, path + "/download", proof)),
        };
        if (grantUrl is not null)
        {
            answers["grant"] = await client.SendAsync(Request(HttpMethod.Get, grantUrl, proof));
            answers["grant head"] = await client.SendAsync(Request(HttpMethod.Head, grantUrl, proof));
            answers["grant range"] = await client.SendAsync(Request(HttpMethod.Get, grantUrl, proof, "bytes=5-"));
        }

        foreach (var (route, response) in answers)
        {
            using (response)
            {
                var body = await response.Content.ReadAsByteArrayAsync();
                var text = WebUtility.HtmlDecode(System.Text.Encoding.UTF8.GetString(body));
                if (route == "page")
                {
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    Assert.Contains("protected by a password", text, StringComparison.Ordinal);
                }
                else if (route.StartsWith("subfolder", StringComparison.Ordinal))
                {
                    // To the link's own page, where the prompt is.
                    Assert.Equal(HttpStatusCode.Found, response.StatusCode);
                    Assert.Equal("/" + path, _app.PathOf(response.Headers.Location));
                }
                else
                {
                    Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{route}: {response.StatusCode}");
                    Assert.Null(response.Headers.Location);
                    Assert.False(response.Content.Headers.ContentDisposition is not null, $"{route} sent a file");
                }

                Assert.DoesNotContain("Secret Projects", text, StringComparison.Ordinal);
                Assert.DoesNotContain("Hidden Sub", text, StringComparison.Ordinal);
                Assert.DoesNotContain("plans.txt", text, StringComparison.Ordinal);
                Assert.DoesNotContain(_alice.UserName, text, StringComparison.Ordinal);
                Assert.False(body.AsSpan().IndexOf(_bytes.AsSpan(200, 64)) >= 0, $"{route} sent the file's bytes");
            }
        }
    }

    private async Task AssertServedAsync(string path, string proof)
    {
        using var client = Raw();
        using (var page = await client.SendAsync(Request(HttpMethod.Get, $"{path}/f/{_sub.Id}", proof)))
        {
            Assert.Contains("plans.txt", WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        var grant = await GrantUrlAsync(path, proof);
        using (var range = await client.SendAsync(Request(HttpMethod.Get, grant, proof, "bytes=100-")))
        {
            Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
            Assert.Equal(_bytes[100..], await range.Content.ReadAsByteArrayAsync());
        }

        using (var view = await client.SendAsync(Request(HttpMethod.Get, $"{path}/files/{_file.Id}/view", proof)))
        {
            Assert.Equal(_bytes, await view.Content.ReadAsByteArrayAsync());
        }

        using var zip = await client.SendAsync(Request(HttpMethod.Get, $"{path}/zip?file={_file.Id}", proof));
        Assert.Equal(_bytes, (await FolderShareHttpTests.EntriesAsync(zip))["plans.txt"]);
    }

    [Fact]
    public async Task PasswordFolderLink_WithoutAProof_ServesNothingByAnyRoute()
    {
        var path = await PasswordFolderLinkAsync();

        await AssertNothingServedAsync(path, proof: null);

        using var visitor = new LinkVisitor(_app);
        await AssertServedAsync(path, await visitor.UnlockAsync(path, Password));
    }

    [Fact]
    public async Task PasswordFolderLink_WithAnotherFolderLinksOrAFileLinksProof_ServesNothingByAnyRoute()
    {
        var path = await PasswordFolderLinkAsync();
        var other = await PasswordFolderLinkAsync();
        var (_, fileLink) = await LinkVisitor.CreateLinkAsync(_alice, _file.Id, new { password = Password });
        using var visitor = new LinkVisitor(_app);
        var otherProof = await visitor.UnlockAsync(other, Password);
        await AssertServedAsync(other, otherProof);
        var fileProof = await visitor.UnlockAsync(fileLink, Password);

        await AssertNothingServedAsync(path, otherProof, (await GrantUrlAsync(other, otherProof)).Replace(other, path, StringComparison.Ordinal));
        await AssertNothingServedAsync(path, fileProof);
    }

    [Fact]
    public async Task PasswordFolderLink_WithAnExpiredProof_ServesNothingByAnyRoute()
    {
        var path = await PasswordFolderLinkAsync();
        using var visitor = new LinkVisitor(_app);
        var proof = await visitor.UnlockAsync(path, Password);
        await AssertServedAsync(path, proof);
        var grant = await GrantUrlAsync(path, proof);

        _clock.Advance(TimeSpan.FromMinutes(31));

        await AssertNothingServedAsync(path, proof, grant);
        await AssertServedAsync(path, await visitor.UnlockAsync(path, Password));
    }

    [Fact]
    public async Task PasswordFolderLink_WrongPassword_IsRefused_AndAChangedPasswordEndsEarlierProofs()
    {
        var (id, path) = await FolderShareHttpTests.CreateFolderLinkAsync(_alice, _shared.Id, new { password = Password });
        using var visitor = new LinkVisitor(_app);
        using (var wrong = await visitor.PostPasswordAsync(path, "not the password", await visitor.FormTokenAsync(path)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        }

        var proof = await visitor.UnlockAsync(path, Password);
        using (var changed = await _alice.Api.PatchAsJsonAsync($"api/links/{id}", new { password = "a brand new one" }))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            using var json = JsonDocument.Parse(await changed.Content.ReadAsStringAsync());
            Assert.Equal("folder", json.RootElement.GetProperty("kind").GetString());
        }

        await AssertNothingServedAsync(path, proof);
        await AssertServedAsync(path, await visitor.UnlockAsync(path, "a brand new one"));
    }
}
