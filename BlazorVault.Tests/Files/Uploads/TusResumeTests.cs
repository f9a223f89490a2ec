using BlazorVault.Data;
using BlazorVault.Files;
using Microsoft.EntityFrameworkCore;
using System.Net;
using BlazorVault.Files.Uploads;
using BlazorVault.Storage;
using BlazorVault.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace BlazorVault.Tests.Files.Uploads;

/// <summary>Uploads that break off, outlive the app, or are abandoned.</summary>
public abstract class TusResumeTests(DatabaseProvider provider)
{
    [Fact]
    public async Task InterruptedUpload_ResumedAfterARestart_StoresExactlyTheBytesSent()
    {
        const int length = 3 * 1024 * 1024;
        var directory = TempDirectory.Create();
        var database = TestDatabase.Create(provider);
        try
        {
            string path;
            HttpClient api;
            long kept;
            string fileId;
            await using (var before = new VaultApp(directory, database: database))
            {
                using var alice = await FilesTestClient.CreateAsync(before);
                path = await alice.Api.CreateUploadAsync(length, "movie.bin");

                var firstMiB = new byte[1024 * 1024];
                for (var i = 0; i < firstMiB.Length; i++)
                {
                    firstMiB[i] = GeneratedStream.ByteAt(i);
                }

                using (var first = await alice.Api.PatchAsync(path, 0, firstMiB))
                {
                    Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
                }

                // Then the client goes away part-way through one long PATCH of the rest.
                using var dropped = new CancellationTokenSource();
                var body = new GeneratedStream(length, async position =>
                {
                    if (position >= length * 2 / 3)
                    {
                        await dropped.CancelAsync();
                    }
                });
                await Assert.ThrowsAnyAsync<OperationCanceledException>(
                    () => alice.Api.PatchAsync(path, firstMiB.Length, new StreamContent(new SkippingStream(body, firstMiB.Length)), cancellationToken: dropped.Token));

                kept = await SettledOffsetAsync(alice.Api, path);
                Assert.InRange(kept, firstMiB.Length, length - 1);
                api = new HttpClient { BaseAddress = before.BaseAddress };
                api.DefaultRequestHeaders.Authorization = alice.Api.DefaultRequestHeaders.Authorization;
            }

            // Same data directory, new process state: the staged bytes are hashed once, then continued.
            await using var after = new VaultApp(directory, database: database);
            using (api)
            {
                api.BaseAddress = after.BaseAddress;
                Assert.Equal(kept, await api.OffsetAsync(path));

                var rest = new byte[length - kept];
                for (var i = 0; i < rest.Length; i++)
                {
                    rest[i] = GeneratedStream.ByteAt(kept + i);
                }

                using var resumed = await api.PatchAsync(path, kept, rest);

                Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
                fileId = TusTestClient.Header(resumed, "Vault-File-Id");
                using var metadata = await api.GetAsync($"api/files/{fileId}");
                var file = await metadata.Content.ReadFromJsonAsync<BlazorVault.Files.FileItem>();
                Assert.Equal((length, GeneratedStream.Sha256Of(length)), (file!.Size, file.Sha256));
                await using var download = await api.GetStreamAsync($"api/files/{fileId}/content");
                Assert.Equal(GeneratedStream.Sha256Of(length), Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(download)));
            }

            Assert.Empty(Directory.GetFiles(Path.Combine(directory, "tmp", "resumable")));
            // Only the upload's row stays (until it expires), to tell a late HEAD where the file went.
            await using var db = await after.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
            var record = await db.Uploads.SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(fileId, record.FileId.ToString());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            TempDirectory.Delete(directory);
            database.Drop();
        }
    }

    [Fact]
    public async Task AbandonedUpload_ExpiresToNotFound_AndOnlyThenIsSwept()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var database = TestDatabase.Create(provider);
        await using var app = new VaultApp(services: services => services.AddSingleton<TimeProvider>(clock), database: database);
        using var alice = await FilesTestClient.CreateAsync(app);
        var token = await TusProtocolTests.AntiforgeryTokenAsync(alice.Browser);
        var path = await alice.Api.CreateUploadAsync(1000);
        var staged = Path.Combine(app.DataDirectory, "tmp", "resumable", path.Split('/')[^1]);
        clock.Advance(TimeSpan.FromHours(20));
        using (var patch = await alice.Api.PatchAsync(path, 0, new byte[400]))
        {
            // Each PATCH pushes the expiry out again.
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
            Assert.Equal(clock.GetUtcNow().AddHours(24).ToString("R"), TusTestClient.Header(patch, "Upload-Expires"));
        }

        var uploads = app.Services.GetRequiredService<TusUploadService>();
        Assert.True(await app.Services.GetRequiredService<BlobSweeper>().TryRunAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await uploads.SweepExpiredAsync(CancellationToken.None));
        Assert.True(File.Exists(staged), "A live upload's bytes must survive both sweeps.");
        Assert.Equal(400, await alice.Browser.OffsetAsync(path));

        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        // The cookie, not the bearer token: a 25-hour jump outlives the token but not the session.
        Assert.Null(await alice.Browser.OffsetAsync(path));
        using (var late = await alice.Browser.PatchAsync(path, 400, new ByteArrayContent(new byte[600]), antiforgery: token))
        {
            Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
        }

        // The hosted sweep may have run already (the fake clock's jump fires its timer): either way it is gone now.
        await uploads.SweepExpiredAsync(CancellationToken.None);
        Assert.False(File.Exists(staged));
        // Its reservation went with it.
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.Empty(db.Uploads);
        Assert.Equal(0, await db.Usage.SumAsync(u => u.UsedBytes, TestContext.Current.CancellationToken));
    }

    /// <summary>The offset once the server has finished with the broken request (it may still be reading when we ask).</summary>
    private static async Task<long> SettledOffsetAsync(HttpClient api, string path)
    {
        var last = -1L;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var offset = await api.OffsetAsync(path) ?? throw new Xunit.Sdk.XunitException("The interrupted upload is gone.");
            using var probe = await api.PatchAsync(path, offset, new ByteArrayContent([]));
            if (probe.StatusCode == HttpStatusCode.NoContent && offset == last)
            {
                return offset;
            }

            last = offset;
            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException("The upload's offset did not settle.");
    }

    /// <summary>A stream without its first <paramref name="skip"/> bytes (the part an earlier PATCH sent).</summary>
    private sealed class SkippingStream(Stream inner, long skip) : ForwardOnlyStream
    {
        private long _toSkip = skip;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var scratch = new byte[16384];
            while (_toSkip > 0)
            {
                var skipped = await inner.ReadAsync(scratch.AsMemory(0, (int)Math.Min(scratch.Length, _toSkip)), cancellationToken);
                if (skipped == 0)
                {
                    return 0;
                }

                _toSkip -= skipped;
            }

            return await inner.ReadAsync(buffer, cancellationToken);
        }
    }

    public sealed class OnSqlite() : TusResumeTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : TusResumeTests(DatabaseProvider.PostgreSql);
}
