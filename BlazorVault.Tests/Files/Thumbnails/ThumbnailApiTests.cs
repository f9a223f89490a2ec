using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Files.Thumbnails;

/// <summary>
/// Thumbnails over HTTP from the running app (its own worker makes them): WebP to the owner only,
/// cached by content, revalidated by ETag, and a clear 404 problem for everything else.
/// </summary>
public abstract class ThumbnailApiTests(SharedVaultApp shared)
{
    private readonly VaultApp _app = shared.App;

    /// <summary>Asks until the worker has made it (404 with Retry-After meanwhile).</summary>
    private static async Task<HttpResponseMessage> WaitForThumbnailAsync(HttpClient client, string url)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var response = await client.GetAsync(url);
            // A 404 without Retry-After is final: no thumbnail for this file.
            if (response.StatusCode != HttpStatusCode.NotFound || response.Headers.RetryAfter is null || DateTime.UtcNow > deadline)
            {
                return response;
            }

            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter.Delta);
            response.Dispose();
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task ThePhotosOwner_GetsAWebPThumbnail_CachedByContentAndRevalidatedByETag()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var photo = await alice.UploadAsync("photo.jpg", TestImages.SidewaysJpeg(), "image/jpeg");

        using var grid = await WaitForThumbnailAsync(alice.Api, $"api/files/{photo.Id}/thumbnail?size=grid");

        Assert.Equal(HttpStatusCode.OK, grid.StatusCode);
        Assert.Equal("image/webp", grid.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", grid.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(grid.Headers.CacheControl is { Private: true, NoCache: true, MaxAge: null });
        Assert.Equal((320, 480), TestImages.Read(await grid.Content.ReadAsByteArrayAsync()) is var (w, h, _) ? (w, h) : default);

        using var list = await alice.Browser.GetAsync($"thumbnail/{photo.Id}?size=list&v={photo.Sha256}");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.True(list.Headers.CacheControl is { Private: true, NoCache: false, MaxAge.TotalDays: 365 });
        Assert.Contains("immutable", list.Headers.CacheControl.Extensions.Select(e => e.Name));
        Assert.Equal(128, TestImages.Read(await list.Content.ReadAsByteArrayAsync()).Height);

        using var again = new HttpRequestMessage(HttpMethod.Get, $"api/files/{photo.Id}/thumbnail?size=grid");
        again.Headers.IfNoneMatch.Add(grid.Headers.ETag!);
        using var notModified = await alice.Api.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.NotEqual(grid.Headers.ETag, list.Headers.ETag);
    }

    [Fact]
    public async Task AnotherUser_GetsTheSame404AsForAFileThatDoesNotExist()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using var mallory = await FilesTestClient.CreateAsync(_app);
        var photo = await alice.UploadAsync("photo.png", TestImages.Png(64, 64), "image/png");
        using (var ready = await WaitForThumbnailAsync(alice.Api, $"api/files/{photo.Id}/thumbnail"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        foreach (var (client, url) in new[]
        {
            (mallory.Api, $"api/files/{photo.Id}/thumbnail"),
            (mallory.Browser, $"thumbnail/{photo.Id}?v={photo.Sha256}"),
            (alice.Api, $"api/files/{Guid.NewGuid()}/thumbnail"),
        })
        {
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.False(response.Content.Headers.ContentType?.MediaType?.StartsWith("image/", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task FilesWithoutAThumbnail_AndBadSizes_GetProblems()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var text = await alice.UploadAsync("notes.txt", "hello"u8.ToArray(), "text/plain");
        var fake = await alice.UploadAsync("fake.png", "<svg onload='alert(1)'/>"u8.ToArray(), "image/png");

        using var none = await alice.Api.GetAsync($"api/files/{text.Id}/thumbnail");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Null(none.Headers.RetryAfter);

        using var refused = await WaitForThumbnailAsync(alice.Api, $"api/files/{fake.Id}/thumbnail");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Null(refused.Headers.RetryAfter);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Contains("icon", problem.RootElement.GetProperty("detail").GetString());

        using var badSize = await alice.Api.GetAsync($"api/files/{text.Id}/thumbnail?size=huge");
        Assert.Equal(HttpStatusCode.BadRequest, badSize.StatusCode);
        Assert.Equal("application/problem+json", badSize.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task WithoutSigningIn_NoThumbnailIsServed()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var photo = await alice.UploadAsync("photo.png", TestImages.Png(32, 32), "image/png");
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _app.BaseAddress };

        using var api = await anonymous.GetAsync($"api/files/{photo.Id}/thumbnail");
        using var page = await anonymous.GetAsync($"thumbnail/{photo.Id}");

        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }

    public sealed class OnSqlite(SharedVaultApp.Sqlite shared) : ThumbnailApiTests(shared), IClassFixture<SharedVaultApp.Sqlite>;

    public sealed class OnPostgreSql(SharedVaultApp.PostgreSql shared) : ThumbnailApiTests(shared), IClassFixture<SharedVaultApp.PostgreSql>;
}

/// <summary><see cref="ThumbnailApiTests"/> with the bytes in a bucket: the worker reads the source from S3.</summary>
public sealed class ThumbnailApiOnS3Tests(S3SharedVaultApp shared) : ThumbnailApiTests(shared), IClassFixture<S3SharedVaultApp>;
