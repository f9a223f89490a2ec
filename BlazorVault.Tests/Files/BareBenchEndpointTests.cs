using System.Net;
using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Files;

/// <summary>
/// The bench's reference endpoints (<c>Vault:Downloads:BareBenchEndpoint</c>): absent unless switched on; then the
/// bare one sends a blob to anyone, and the checked one only with a bearer token whose user still stands.
/// </summary>
public sealed class BareBenchEndpointTests
{
    [Fact]
    public async Task WithoutTheSetting_NeitherEndpointExists()
    {
        await using var app = new VaultApp();
        using var alice = await FilesTestClient.CreateAsync(app);
        var file = await alice.UploadAsync("a.bin", "bytes"u8.ToArray());

        using var bare = await alice.Api.GetAsync($"bench/bare/{file.Sha256}");
        using var checkedOne = await alice.Api.GetAsync($"bench/checked/{file.Sha256}");

        Assert.Equal(HttpStatusCode.NotFound, bare.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, checkedOne.StatusCode);
    }

    [Fact]
    public async Task WithIt_TheBareOneSendsToAnyone_AndTheCheckedOneOnlyToAStandingUsersToken()
    {
        await using var app = new VaultApp(settings: new Dictionary<string, string?> { ["Vault:Downloads:BareBenchEndpoint"] = "true" });
        using var alice = await FilesTestClient.CreateAsync(app);
        var file = await alice.UploadAsync("a.bin", "bytes"u8.ToArray());
        using var anonymous = new HttpClient { BaseAddress = app.BaseAddress };

        using (var bare = await anonymous.GetAsync($"bench/bare/{file.Sha256}"))
        {
            Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
            Assert.Equal("bytes", await bare.Content.ReadAsStringAsync());
        }

        using (var noToken = await anonymous.GetAsync($"bench/checked/{file.Sha256}"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        }

        using (var withToken = await alice.Api.GetAsync($"bench/checked/{file.Sha256}"))
        {
            Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
            Assert.Equal("bytes", await withToken.Content.ReadAsStringAsync());
        }

        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync())
        {
            await db.Users.Where(u => u.UserName == alice.UserName).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisabledAt, DateTimeOffset.UtcNow));
        }

        using var disabled = await alice.Api.GetAsync($"bench/checked/{file.Sha256}");
        Assert.Equal(HttpStatusCode.Unauthorized, disabled.StatusCode);
    }
}
