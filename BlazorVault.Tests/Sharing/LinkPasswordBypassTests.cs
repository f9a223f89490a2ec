using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorVault.Sharing;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace BlazorVault.Tests.Sharing;

/// <summary>
/// A link with a password serves nothing, by any route, without a proof of that password for that link: tried
/// with no proof, an expired one, another link's, and one from before the password changed, each against a
/// proof that works (so that a refusal is the proof's doing, not the route's).
/// </summary>
public sealed class LinkPasswordBypassTests : IAsyncLifetime
{
    private const string Password = "open sesame 42";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private VaultApp _app = null!;
    private FilesTestClient _alice = null!;
    private byte[] _bytes = null!;
    private FileItemJson _file = null!;

    private sealed record FileItemJson(Guid Id, string Sha256);

    public async ValueTask InitializeAsync()
    {
        _app = new VaultApp(services: s => s.AddSingleton<TimeProvider>(_clock));
        _alice = await FilesTestClient.CreateAsync(_app);
        _bytes = FilesTestClient.RandomBytes(30_000);
        var file = await _alice.UploadAsync("secret plans.pdf", _bytes, "application/pdf");
        _file = new FileItemJson(file.Id, file.Sha256);
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

    private async Task<(Guid Id, string Path, string Legacy)> CreatePasswordLinkAsync()
    {
        using var response = await _alice.Api.PostAsJsonAsync($"api/files/{_file.Id}/links", new { password = Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.True(root.GetProperty("hasPassword").GetBoolean());
        var info = new ShareLinkInfo(
            root.GetProperty("id").GetGuid(), _file.Id, "", root.GetProperty("createdAt").GetDateTimeOffset(), root.GetProperty("expiresAt").GetDateTimeOffset(),
            null, 0, LinkState.Active);
        return (info.Id, new Uri(root.GetProperty("url").GetString()!).AbsolutePath.TrimStart('/'), "s/" + LegacyLinkTokens.Create(_app.Services, info));
    }

    /// <summary>Every route by which the link could give something away, with <paramref name="proof"/>; what each answered.</summary>
    private async Task<Dictionary<string, HttpResponseMessage>> TryEveryRouteAsync(string path, string legacy, string? proof, string? grantUrl)
    {
        using var client = Raw();
        var answers = new Dictionary<string, HttpResponseMessage>
        {
            ["page"] = await client.SendAsync(Request(HttpMethod.Get, path, proof)),
            ["download"] = await client.SendAsync(Request(HttpMethod.Get, path + "/download", proof)),
            ["head"] = await client.SendAsync(Request(HttpMethod.Head, path + "/download", proof)),
            ["range"] = await client.SendAsync(Request(HttpMethod.Get, path + "/download", proof, "bytes=100-")),
            ["probe"] = await client.SendAsync(Request(HttpMethod.Get, path + "/download", proof, "bytes=0-0")),
            ["legacy page"] = await client.SendAsync(Request(HttpMethod.Get, legacy, proof)),
            ["legacy download"] = await client.SendAsync(Request(HttpMethod.Get, legacy + "/download", proof)),
            ["legacy head"] = await client.SendAsync(Request(HttpMethod.Head, legacy + "/download", proof)),
            ["proof as grant"] = await client.SendAsync(Request(HttpMethod.Get, $"{path}/download?token={proof}", proof)),
            ["proof as link"] = await client.SendAsync(Request(HttpMethod.Get, $"s/{proof}/download", null)),
            ["proof as api token"] = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"api/files/{_file.Id}/content") { Headers = { Authorization = new("Bearer", proof ?? "x") } }),
            ["thumbnail"] = await client.SendAsync(Request(HttpMethod.Get, $"api/files/{_file.Id}/thumbnail?size=list", proof)),
            ["view"] = await client.SendAsync(Request(HttpMethod.Get, path + "/view", proof)),
            ["view head"] = await client.SendAsync(Request(HttpMethod.Head, path + "/view", proof)),
            ["view range"] = await client.SendAsync(Request(HttpMethod.Get, path + "/view", proof, "bytes=100-")),
            ["legacy view"] = await client.SendAsync(Request(HttpMethod.Get, legacy + "/view", proof)),
            ["link thumbnail"] = await client.SendAsync(Request(HttpMethod.Get, path + "/thumbnail?size=grid", proof)),
        };
        if (grantUrl is not null)
        {
            answers["grant"] = await client.SendAsync(Request(HttpMethod.Get, grantUrl, proof));
            answers["grant head"] = await client.SendAsync(Request(HttpMethod.Head, grantUrl, proof));
            answers["grant range"] = await client.SendAsync(Request(HttpMethod.Get, grantUrl, proof, "bytes=5-")) ;
        }

        return answers;
    }

    private async Task AssertNothingServedAsync(string path, string legacy, string? proof, string? grantUrl = null)
    {
        var answers = await TryEveryRouteAsync(path, legacy, proof, grantUrl);
        foreach (var (route, response) in answers)
        {
            using (response)
            {
                var body = await response.Content.ReadAsByteArrayAsync();
                var text = System.Text.Encoding.UTF8.GetString(body);
                if (route is "page" or "legacy page")
                {
                    // Only the prompt: nothing about the file.
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    Assert.Contains("protected by a password", text, StringComparison.Ordinal);
                    Assert.DoesNotContain("secret plans", WebUtility.HtmlDecode(text), StringComparison.Ordinal);
                    Assert.DoesNotContain(_alice.UserName, text, StringComparison.Ordinal);
                    Assert.DoesNotContain("29.3 KB", text, StringComparison.Ordinal);
                    Assert.DoesNotContain("/download", text, StringComparison.Ordinal);
                }
                else
                {
                    Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"{route}: {response.StatusCode}");
                    Assert.Null(response.Headers.Location);
                    Assert.False(response.Content.Headers.ContentDisposition is not null, $"{route} sent a file");
                }

                Assert.False(body.AsSpan().IndexOf(_bytes.AsSpan(200, 64)) >= 0, $"{route} sent the file's bytes");
            }
        }
    }

    private async Task<string> GrantUrlAsync(string path, string proof)
    {
        using var client = Raw();
        using var redirect = await client.SendAsync(Request(HttpMethod.Get, path + "/download", proof));
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        return _app.PathOf(redirect.Headers.Location)!.TrimStart('/');
    }

    private async Task AssertServedAsync(string path, string proof)
    {
        using var client = Raw();
        using var page = await client.SendAsync(Request(HttpMethod.Get, path, proof));
        Assert.Contains("secret plans.pdf", WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var grant = await GrantUrlAsync(path, proof);
        using var head = await client.SendAsync(Request(HttpMethod.Head, grant, proof));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        using var range = await client.SendAsync(Request(HttpMethod.Get, grant, proof, "bytes=100-")) ;
        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal(_bytes[100..], await range.Content.ReadAsByteArrayAsync());
        using var whole = await client.SendAsync(Request(HttpMethod.Get, grant, proof));
        Assert.Equal(_bytes, await whole.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task PasswordLink_WithoutAProof_ServesNothingByAnyRoute()
    {
        var (_, path, legacy) = await CreatePasswordLinkAsync();

        await AssertNothingServedAsync(path, legacy, proof: null);

        using var visitor = new LinkVisitor(_app);
        await AssertServedAsync(path, await visitor.UnlockAsync(path, Password));
    }

    [Fact]
    public async Task PasswordLink_WithAnotherLinksProof_ServesNothingByAnyRoute()
    {
        var (_, path, legacy) = await CreatePasswordLinkAsync();
        var (_, other, _) = await CreatePasswordLinkAsync();
        using var visitor = new LinkVisitor(_app);
        var otherProof = await visitor.UnlockAsync(other, Password);
        await AssertServedAsync(other, otherProof);

        await AssertNothingServedAsync(path, legacy, otherProof, await GrantUrlAsync(other, otherProof) is var otherGrant ? otherGrant.Replace(other, path, StringComparison.Ordinal) : null);
    }

    [Fact]
    public async Task PasswordLink_WithAnExpiredProof_ServesNothingByAnyRoute()
    {
        var (_, path, legacy) = await CreatePasswordLinkAsync();
        using var visitor = new LinkVisitor(_app);
        var proof = await visitor.UnlockAsync(path, Password);
        await AssertServedAsync(path, proof);
        var grant = await GrantUrlAsync(path, proof);

        _clock.Advance(TimeSpan.FromMinutes(31));

        await AssertNothingServedAsync(path, legacy, proof, grant);
        await AssertServedAsync(path, await visitor.UnlockAsync(path, Password));
    }

    [Fact]
    public async Task PasswordLink_AfterItsPasswordChanged_RefusesEarlierProofsAndGrants_AndKeepsItsUrl()
    {
        var (id, path, legacy) = await CreatePasswordLinkAsync();
        using var visitor = new LinkVisitor(_app);
        var proof = await visitor.UnlockAsync(path, Password);
        var grant = await GrantUrlAsync(path, proof);

        using (var changed = await _alice.Api.PatchAsJsonAsync($"api/links/{id}", new { password = "a brand new one" }))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            using var json = JsonDocument.Parse(await changed.Content.ReadAsStringAsync());
            Assert.Equal(path, new Uri(json.RootElement.GetProperty("url").GetString()!).AbsolutePath.TrimStart('/'));
        }

        await AssertNothingServedAsync(path, legacy, proof, grant);
        using var wrong = await visitor.PostPasswordAsync(path, Password, await visitor.FormTokenAsync(path));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        await AssertServedAsync(path, await visitor.UnlockAsync(path, "a brand new one"));
    }

    [Fact]
    public async Task PasswordAddedLater_RefusesGrantsMintedBefore_AndRemovingItOpensTheLinkAgain()
    {
        using var created = await _alice.Api.PostAsJsonAsync($"api/files/{_file.Id}/links", new { });
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = json.RootElement.GetProperty("id").GetGuid();
        var path = new Uri(json.RootElement.GetProperty("url").GetString()!).AbsolutePath.TrimStart('/');
        var grant = await GrantUrlAsync(path, "");

        Assert.Equal(HttpStatusCode.OK, (await _alice.Api.PatchAsJsonAsync($"api/links/{id}", new { password = Password })).StatusCode);

        using var client = Raw();
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(Request(HttpMethod.Get, grant, null))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(Request(HttpMethod.Get, path + "/download", null))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _alice.Api.PatchAsJsonAsync($"api/links/{id}", new { password = (string?)null })).StatusCode);
        using var page = await client.SendAsync(Request(HttpMethod.Get, path, null));
        Assert.Contains("secret plans.pdf", WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Found, (await client.SendAsync(Request(HttpMethod.Get, path + "/download", null))).StatusCode);
    }
}
