using System.Net;
using System.Text.Json;
using BlazorVault.Data;
using BlazorVault.Files.Uploads;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Files.Uploads;

/// <summary>One user cannot pile up unfinished resumable uploads, nor create them without end.</summary>
public abstract class UploadCreationLimitTests(UploadCreationLimitTests.LimitedApp shared)
{
    private const int MaxUnfinished = 3;
    private const int PerMinute = 8;
    private readonly VaultApp _app = shared.App;

    [Fact]
    public async Task CreatingMoreUnfinishedUploadsThanAllowed_Is409_AndFinishingOrCancellingOneMakesRoom()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var paths = new List<string>();
        for (var i = 0; i < MaxUnfinished; i++)
        {
            paths.Add(await alice.Api.CreateUploadAsync(100, $"u{i}.bin"));
        }

        using (var refused = await alice.Api.CreateRawAsync(100, "one too many.bin"))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal(MaxUnfinished, problem.RootElement.GetProperty("limit").GetInt32());
        }

        // Someone else is not held to alice's count.
        using (var bob = await FilesTestClient.CreateAsync(_app))
        {
            await bob.Api.CreateUploadAsync(100, "bob.bin");
        }

        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.TerminateAsync(paths[0])).StatusCode);
        using (var done = await alice.Api.PatchAsync(paths[1], 0, new byte[100]))
        {
            Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        }

        var listed = await _app.Services.GetRequiredService<TusUploadService>()
            .ListUnfinishedAsync(await UserIdAsync(alice), TestContext.Current.CancellationToken);
        Assert.Equal(["u2.bin"], listed.Select(u => u.Upload.Name));
        await alice.Api.CreateUploadAsync(100, "room again.bin");
        await alice.Api.CreateUploadAsync(100, "and again.bin");
    }

    [Fact]
    public async Task CreatingUploadsFasterThanTheRate_Is429WithRetryAfter()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var answers = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < PerMinute + 2 && limited is null; i++)
        {
            var response = await alice.Api.CreateRawAsync(10, $"quick{i}.bin");
            answers.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                // Cancelled at once, so that only the rate can stop the next, never the unfinished cap.
                Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.TerminateAsync(response.Headers.Location!.OriginalString)).StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.True(limited.Headers.RetryAfter is not null, "A 429 without Retry-After.");
            Assert.Equal("1.0.0", Assert.Single(limited.Headers.GetValues("Tus-Resumable")));
        }

        Assert.All(answers.SkipLast(1), a => Assert.Equal(HttpStatusCode.Created, a));
        Assert.InRange(answers.Count, PerMinute - 1, PerMinute + 2);
    }

    private async Task<string> UserIdAsync(FilesTestClient user)
    {
        await using var db = await _app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<VaultDbContext>>().CreateDbContextAsync();
        return await db.Users.Where(u => u.UserName == user.UserName).Select(u => u.Id).SingleAsync();
    }

    public abstract class LimitedApp(DatabaseProvider provider) : VaultAppFixture(provider, new Dictionary<string, string?>
    {
        ["Vault:Uploads:MaxUnfinished"] = MaxUnfinished.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Vault:Uploads:CreationsPerMinute"] = PerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    })
    {
        public sealed class Sqlite() : LimitedApp(DatabaseProvider.Sqlite);

        public sealed class PostgreSql() : LimitedApp(DatabaseProvider.PostgreSql);
    }

    public sealed class OnSqlite(LimitedApp.Sqlite shared) : UploadCreationLimitTests(shared), IClassFixture<LimitedApp.Sqlite>;

    public sealed class OnPostgreSql(LimitedApp.PostgreSql shared) : UploadCreationLimitTests(shared), IClassFixture<LimitedApp.PostgreSql>;
}
