using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Files.Uploads;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Files.Uploads;

/// <summary>
/// One admission rule for every way in: unfinished resumable uploads hold their declared length
/// against the quota from creation until they complete, are terminated or expire; a damaged staging
/// file or upload row costs that one upload, never the app.
/// </summary>
public abstract class UploadAdmissionTests(UploadAdmissionTests.QuotaApp shared)
{
    private const int Quota = 1_000_000;
    private readonly VaultApp _app = shared.App;

    private async Task<long> ChargedAsync(FilesTestClient user)
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync();
        var id = await db.Users.Where(u => u.UserName == user.UserName).Select(u => u.Id).SingleAsync();
        return await db.Usage.Where(u => u.UserId == id).Select(u => u.UsedBytes).SingleOrDefaultAsync();
    }

    [Fact]
    public async Task UnfinishedUploads_HoldTheirLengthAgainstTheQuota_SoTheyCannotFillTheDisk()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var first = await alice.Api.CreateUploadAsync(600_000);
        using (var patch = await alice.Api.PatchAsync(first, 0, new byte[1000]))
        {
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        }

        // Only 1000 bytes are on disk, but 600,000 are promised: a second 600,000 cannot be promised too.
        using (var second = await alice.Api.CreateRawAsync(600_000))
        {
            Assert.Equal(HttpStatusCode.InsufficientStorage, second.StatusCode);
            Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        }

        using (var raw = await alice.UploadRawAsync("raw.bin", new byte[500_000]))
        {
            Assert.Equal(HttpStatusCode.InsufficientStorage, raw.StatusCode);
        }

        Assert.Equal(600_000, await ChargedAsync(alice));
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.TerminateAsync(first)).StatusCode);
        Assert.Equal(0, await ChargedAsync(alice));

        using var fits = await alice.Api.CreateRawAsync(600_000);
        Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
    }

    [Fact]
    public async Task CompletedUpload_KeepsItsChargeAsTheFiles_AndDeletingTheFileForGoodReleasesIt()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var bytes = FilesTestClient.RandomBytes(300_000);
        var path = await alice.Api.CreateUploadAsync(bytes.Length);

        using var done = await alice.Api.PatchAsync(path, 0, bytes);

        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        Assert.Equal(bytes.Length, await ChargedAsync(alice));
        // Terminating a completed upload forgets the upload, never the file or its charge.
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.TerminateAsync(path)).StatusCode);
        Assert.Equal(bytes.Length, await ChargedAsync(alice));
        var fileId = TusTestClient.Header(done, "Vault-File-Id");
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.DeleteAsync($"api/files/{fileId}")).StatusCode);
        // The trash still counts.
        Assert.Equal(bytes.Length, await ChargedAsync(alice));
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.DeleteAsync($"api/trash/{fileId}")).StatusCode);
        Assert.Equal(0, await ChargedAsync(alice));
    }

    [Fact]
    public async Task ManyUnfinishedUploadsAtOnce_NeverPromiseMoreThanTheQuota()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);

        var created = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => alice.Api.CreateRawAsync(100_000)));

        Assert.Equal(Quota / 100_000, created.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(created.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.InsufficientStorage, r.StatusCode));
        Assert.Equal(Quota, await ChargedAsync(alice));
        foreach (var response in created)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task StagedBytesShorterThanTheRecordedOffset_AreReportedAsTheOffsetToResumeFrom()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var bytes = FilesTestClient.RandomBytes(50_000);
        var path = await alice.Api.CreateUploadAsync(bytes.Length);
        (await alice.Api.PatchAsync(path, 0, bytes[..30_000])).Dispose();
        var staged = Path.Combine(_app.DataDirectory, "tmp", "resumable", path.Split('/')[^1]);
        // A damaged disk or a restored backup: the bytes end before what the database acknowledged.
        await using (var file = new FileStream(staged, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(10_000);
        }

        using var stale = await alice.Api.PatchAsync(path, 30_000, bytes[30_000..]);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("10000", TusTestClient.Header(stale, "Upload-Offset"));
        Assert.Equal(10_000, await alice.Api.OffsetAsync(path));

        using var resumed = await alice.Api.PatchAsync(path, 10_000, bytes[10_000..]);
        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        var file2 = await alice.Api.GetFromJsonAsync<FileItem>($"api/files/{TusTestClient.Header(resumed, "Vault-File-Id")}");
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), file2!.Sha256);
    }

    [Fact]
    public async Task APatchOnAnUploadAnotherRequestHolds_IsLockedWithoutTouchingIt()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var path = await alice.Api.CreateUploadAsync(10_000);
        var id = path.Split('/')[^1];
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync())
        {
            // Another process's request holds the lease (for the next minute).
            var until = DateTimeOffset.UtcNow.AddMinutes(1);
            await db.Uploads.Where(u => u.Id == id).ExecuteUpdateAsync(set => set.SetProperty(u => u.LeaseHolder, "elsewhere").SetProperty(u => u.LeaseUntil, until));
        }

        using var patch = await alice.Api.PatchAsync(path, 0, new byte[10_000]);
        using var delete = await alice.Api.TerminateAsync(path);

        Assert.Equal(HttpStatusCode.Locked, patch.StatusCode);
        Assert.Equal(HttpStatusCode.Locked, delete.StatusCode);
        Assert.Equal(0, await alice.Api.OffsetAsync(path));
    }

    [Fact]
    public async Task UploadExpiry_WithADamagedRowAmongOthers_LogsItAndStillExpiresTheRest()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        var abandoned = (await alice.Api.CreateUploadAsync(1000)).Split('/')[^1];
        var damaged = (await alice.Api.CreateUploadAsync(1000)).Split('/')[^1];
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync())
        {
            await db.Uploads.Where(u => u.Id == abandoned || u.Id == damaged)
                .ExecuteUpdateAsync(set => set.SetProperty(u => u.ExpiresAt, DateTimeOffset.UnixEpoch));
            // A row no code could have written: a time no DateTimeOffset can hold, so it cannot even be read.
            await db.Database.ExecuteSqlAsync($"""UPDATE "Uploads" SET "CreatedAt" = {long.MaxValue} WHERE "Id" = {damaged}""");
        }

        await _app.Services.GetRequiredService<TusUploadService>().SweepExpiredAsync(TestContext.Current.CancellationToken);

        await using var after = await _app.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync();
        Assert.False(await after.Uploads.AnyAsync(u => u.Id == abandoned));
        using var health = await alice.Api.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    public abstract class QuotaApp(DatabaseProvider provider) : VaultAppFixture(provider, new Dictionary<string, string?>
    {
        ["Vault:MaxUploadBytes"] = "600000",
        ["Vault:DefaultQuotaBytes"] = Quota.ToString(System.Globalization.CultureInfo.InvariantCulture),
    })
    {
        public sealed class Sqlite() : QuotaApp(DatabaseProvider.Sqlite);

        public sealed class PostgreSql() : QuotaApp(DatabaseProvider.PostgreSql);
    }

    public sealed class OnSqlite(QuotaApp.Sqlite shared) : UploadAdmissionTests(shared), IClassFixture<QuotaApp.Sqlite>;

    public sealed class OnPostgreSql(QuotaApp.PostgreSql shared) : UploadAdmissionTests(shared), IClassFixture<QuotaApp.PostgreSql>;
}

/// <summary>A full disk answers every way in the same: 507, problem+json, nothing kept.</summary>
public sealed class FullDiskTests : IAsyncLifetime
{
    private readonly VaultApp _app = new(settings: new Dictionary<string, string?> { ["Vault:Storage:MinFreeBytes"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Uploads_WhileTheDiskIsUnderItsReserve_Are507ForRawMultipartAndTus()
    {
        using var alice = await FilesTestClient.CreateAsync(_app);
        using var multipart = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "m.bin" } };

        using var raw = await alice.UploadRawAsync("raw.bin", [1, 2, 3]);
        using var form = await alice.Api.PostAsync("api/files", multipart);
        using var tus = await alice.Api.CreateRawAsync(3);

        foreach (var response in new[] { raw, form, tus })
        {
            Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
            Assert.Equal("The server is out of space.", problem!.Title);
        }

        Assert.Empty((await alice.ListAsync()).Items);
    }
}
