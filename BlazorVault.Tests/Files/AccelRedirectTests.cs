using System.Net;
using System.Net.Http.Headers;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Files;

/// <summary>
/// <c>Vault:Downloads:AccelRedirect</c>: downloads answered with <c>X-Accel-Redirect</c> for nginx to send,
/// only where nginx sends exactly what the app decided; and through a real nginx, configured as the README says.
/// </summary>
public sealed class AccelRedirectTests(AccelRedirectTests.App shared) : IClassFixture<AccelRedirectTests.App>
{
    private const string Location = "/_vault_blobs/";

    private static readonly byte[] Hundred = [.. Enumerable.Range(0, 100).Select(i => (byte)i)];

    private readonly VaultApp _app = shared.App;

    [Theory]
    [InlineData("api/files/{0}/content")]
    [InlineData("download/{0}")]
    public async Task ADownload_IsHandedToNginx_WithItsHeaders_AndNoBytes(string route)
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var item = await alice.UploadAsync("page.html", Hundred, "text/html");

        using var response = await Client(alice, route).GetAsync(string.Format(null, route, item.Id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{Location}{item.Sha256[..2]}/{item.Sha256[2..4]}/{item.Sha256}", Assert.Single(response.Headers.GetValues(AccelRedirect.HeaderName)));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(FileDownload.ContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal($"\"{item.Sha256}\"", response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task OneRange_GoesToNginx_ButIfRange_SeveralRanges_AndConditionalAnswers_StayWithTheApp()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var item = await alice.UploadAsync("hundred.bin", Hundred);
        var path = $"api/files/{item.Id}/content";

        using var oneRange = await SendAsync(alice, path, r => r.Headers.Range = new RangeHeaderValue(10, 19));
        Assert.True(oneRange.Headers.Contains(AccelRedirect.HeaderName));

        using var ifRange = await SendAsync(alice, path, r =>
        {
            r.Headers.Range = new RangeHeaderValue(10, 19);
            r.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue($"\"{item.Sha256}\""));
        });
        Assert.Equal(HttpStatusCode.PartialContent, ifRange.StatusCode);
        Assert.False(ifRange.Headers.Contains(AccelRedirect.HeaderName));
        Assert.Equal(Hundred[10..20], await ifRange.Content.ReadAsByteArrayAsync());

        using var twoRanges = await SendAsync(alice, path, r => r.Headers.TryAddWithoutValidation("Range", "bytes=0-1,5-6"));
        Assert.False(twoRanges.Headers.Contains(AccelRedirect.HeaderName));

        using var notModified = await SendAsync(alice, path, r => r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{item.Sha256}\"")));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.False(notModified.Headers.Contains(AccelRedirect.HeaderName));

        using var head = await SendAsync(alice, path, r => r.Method = HttpMethod.Head);
        Assert.Equal(100, head.Content.Headers.ContentLength);
        Assert.False(head.Headers.Contains(AccelRedirect.HeaderName));
    }

    [Fact]
    public async Task ThroughNginx_TheBytesHeadersAndRangesAreTheAppsDecision_AndTheBlobsAreNotReachableDirectly()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var bytes = FilesTestClient.RandomBytes(300_000);
        var item = await alice.UploadAsync("photo.jpg", bytes, "image/jpeg");
        var blobs = Path.Combine(_app.DataDirectory, "blobs");
        var upstream = _app.BaseAddress.Authority;
        // The deployment's own file, with this machine's port, app and data directory.
        var config = (await File.ReadAllTextAsync(DeployFile, TestContext.Current.CancellationToken))
            .Replace("http://127.0.0.1:8080", $"http://{upstream}", StringComparison.Ordinal)
            .Replace("/var/lib/blazorvault/blobs/", blobs + "/", StringComparison.Ordinal);
        Assert.Contains($"location {Location} {{", config, StringComparison.Ordinal);
        await using var nginx = await NginxServer.StartAsync(port => config.Replace("listen 80;", $"listen 127.0.0.1:{port};", StringComparison.Ordinal));
        using var client = new HttpClient { BaseAddress = nginx.Address };
        client.DefaultRequestHeaders.Authorization = alice.Api.DefaultRequestHeaders.Authorization;
        var path = $"api/files/{item.Id}/content";

        using var whole = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(bytes, await whole.Content.ReadAsByteArrayAsync());
        Assert.False(whole.Headers.Contains(AccelRedirect.HeaderName));
        Assert.Equal("image/jpeg", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", whole.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"\"{item.Sha256}\"", whole.Headers.ETag?.Tag);
        Assert.Equal(FileDownload.ContentSecurityPolicy, Assert.Single(whole.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(whole.Headers.GetValues("X-Content-Type-Options")));
        Assert.True(whole.Headers.CacheControl?.Private);

        using var range = new HttpRequestMessage(HttpMethod.Get, path);
        range.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var partial = await client.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(bytes[1000..2000], await partial.Content.ReadAsByteArrayAsync());

        // A resumed download whose validator is stale gets the whole new file (the app's decision, sent by the app).
        using var stale = new HttpRequestMessage(HttpMethod.Get, path);
        stale.Headers.Range = new RangeHeaderValue(1000, 1999);
        stale.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"stale\""));
        using var restarted = await client.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, restarted.StatusCode);
        Assert.Equal(bytes, await restarted.Content.ReadAsByteArrayAsync());

        // Without the app's checks nothing is served: the location is internal, and a stranger gets the app's 404.
        using var direct = await client.GetAsync($"{Location}{item.Sha256[..2]}/{item.Sha256[2..4]}/{item.Sha256}");
        Assert.Equal(HttpStatusCode.NotFound, direct.StatusCode);
        using var bob = await FilesTestClient.CreateAsync(_app);
        using var stranger = new HttpRequestMessage(HttpMethod.Get, path);
        stranger.Headers.Authorization = bob.Api.DefaultRequestHeaders.Authorization;
        using var refused = await client.SendAsync(stranger);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.NotEqual(bytes.Length, (await refused.Content.ReadAsByteArrayAsync()).Length);
    }

    /// <summary>deploy/nginx-single.conf, found from the test's directory up to the repository's root.</summary>
    private static string DeployFile
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "deploy", "nginx-single.conf");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("deploy/nginx-single.conf is not above the test's directory.");
        }
    }

    private static HttpClient Client(FilesTestClient user, string route) =>
        route.StartsWith("api/", StringComparison.Ordinal) ? user.Api : user.Browser;

    private static async Task<HttpResponseMessage> SendAsync(FilesTestClient user, string path, Action<HttpRequestMessage> shape)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        shape(request);
        return await user.Api.SendAsync(request);
    }

    public sealed class App() : VaultAppFixture(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Vault:Downloads:AccelRedirect"] = Location });
}
