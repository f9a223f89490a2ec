using System.Collections.Concurrent;
using System.Net;
using BlazorVault.Data;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Files.Uploads;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.MultiProcess;

/// <summary>
/// kill -9 at any moment must leave the data consistent: after a restart on the same directory every
/// listed file downloads whole, everything answered 201 is still there, everything answered 204 to a
/// delete is gone, and the dead process's temp files are swept. Seen from outside, over HTTP.
/// </summary>
[Trait("Category", "MultiProcess")]
public abstract class CrashTests(DatabaseProvider provider)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task KillDuringManyParallelUploads_KeepsEveryAnsweredFileAndOnlyWholeOnes()
    {
        await using var site = await CrashSite.StartAsync(provider);
        using var alice = await VaultUser.RegisterAsync(site.App);
        var token = await alice.TokenAsync(site.App);
        var answered = new ConcurrentDictionary<Guid, byte[]>();

        for (var round = 0; round < 3; round++)
        {
            using (var api = VaultUser.WithToken(site.App, token))
            {
                using var stop = new CancellationTokenSource();
                var workers = Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
                {
                    for (var i = 0; !stop.IsCancellationRequested; i++)
                    {
                        var bytes = FilesTestClient.RandomBytes(Random.Shared.Next(1, 300_000));
                        try
                        {
                            using var response = await api.UploadRawAsync($"r{round}-w{worker}-{i}.bin", bytes);
                            if (response.StatusCode == HttpStatusCode.Created)
                            {
                                var file = (await response.Content.ReadFromJsonAsync<BlazorVault.Files.FileItem>())!;
                                answered[file.Id] = bytes;
                            }
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                        {
                            // The process is gone.
                            return;
                        }
                    }
                })).ToList();

                // Uploads are flowing (a few answered this round), then the kill comes at a random moment.
                var flowing = answered.Count + 3;
                var deadline = DateTime.UtcNow.AddSeconds(15);
                while (answered.Count < flowing)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"Round {round}: uploads did not get going:{Environment.NewLine}{site.App.OutputTail()}");
                    await Task.Delay(20);
                }

                await Task.Delay(Random.Shared.Next(0, 800));
                await site.App.KillAsync();
                stop.Cancel();
                await Task.WhenAll(workers);
            }

            await site.KillAndRestartAsync();
            using var afterRestart = VaultUser.WithToken(site.App, token);
            var listed = await afterRestart.AssertEveryListedFileDownloadsIntactAsync();
            var missing = answered.Keys.Except(listed.Select(f => f.Id)).ToList();
            Assert.True(missing.Count == 0, $"Round {round}: {missing.Count} of {answered.Count} files answered 201 before the kill are gone.");
            foreach (var file in listed.Where(f => answered.ContainsKey(f.Id)))
            {
                Assert.Equal(FilesTestClient.Sha256(answered[file.Id]), file.Sha256);
            }

            await site.AssertNoTempFilesOfDeadProcessesAsync();
        }
    }

    [Fact]
    public async Task KillDuringTheStartUpSweep_LosesNoFileAndTheNextSweepFinishesTheJob()
    {
        // Thousands of blob files no row knows (a crash of an older version): the start-up sweep is busy removing them.
        const int Orphans = 3000;
        await using var site = await CrashSite.StartAsync(provider, directory =>
        {
            for (var i = 0; i < Orphans; i++)
            {
                var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)));
                var folder = Directory.CreateDirectory(Path.Combine(directory, "blobs", sha256[..2], sha256[2..4])).FullName;
                File.WriteAllBytes(Path.Combine(folder, sha256), BitConverter.GetBytes(i));
            }
        });
        using var alice = await VaultUser.RegisterAsync(site.App);
        var token = await alice.TokenAsync(site.App);
        var bytes = FilesTestClient.RandomBytes(70_000);
        using (var api = VaultUser.WithToken(site.App, token))
        {
            await api.UploadAsync("kept.bin", bytes);
        }

        // The check inside runs right after the kill, whatever the sweep had done by then.
        await site.KillAndRestartAsync();

        var blobs = Path.Combine(site.DataDirectory, "blobs");
        // The killed instance held the sweep's lease: the restarted one takes over once it runs out (30 s at most).
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (Directory.GetFiles(blobs, "*", SearchOption.AllDirectories).Length > 1)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{Directory.GetFiles(blobs, "*", SearchOption.AllDirectories).Length - 1} orphans are left after the second sweep.");
            await Task.Delay(200);
        }

        using var after = VaultUser.WithToken(site.App, token);
        var kept = Assert.Single(await after.AssertEveryListedFileDownloadsIntactAsync());
        Assert.Equal(FilesTestClient.Sha256(bytes), kept.Sha256);
    }

    [Fact]
    public async Task KillDuringAResumablePatch_LeavesAnUploadThatResumesFromItsOffsetToTheRightBytes()
    {
        await using var site = await CrashSite.StartAsync(provider);
        using var alice = await VaultUser.RegisterAsync(site.App);
        var token = await alice.TokenAsync(site.App);
        var bytes = FilesTestClient.RandomBytes(8 * MiB);
        string upload;
        long handed;
        using (var api = VaultUser.WithToken(site.App, token))
        using (var observer = VaultUser.WithToken(site.App, token))
        {
            using (var created = await api.CreateRawAsync(bytes.Length, "interrupted.bin"))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                upload = VaultApi.UploadPathOf(created);
            }

            // Fast for the first 2 MiB, then a trickle (above Kestrel's minimum rate) until the kill.
            var body = new HookedStream(bytes, position => position >= 2 * MiB ? Task.Delay(50) : Task.CompletedTask);
            var patch = api.PatchAsync(upload, 0, new StreamContent(body));
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (await observer.OffsetAsync(upload) is not >= MiB)
            {
                Assert.True(DateTime.UtcNow < deadline, "The server never reported 1 MiB received.");
                if (patch.IsCompleted)
                {
                    using var ended = await patch;
                    Assert.Fail($"The PATCH ended before the kill: {await site.App.DescribeAsync(ended)}");
                }

                await Task.Delay(50);
            }

            await site.App.KillAsync();
            handed = body.Handed;
            await Assert.ThrowsAnyAsync<Exception>(() => patch);
        }

        await site.KillAndRestartAsync();
        using var resumed = VaultUser.WithToken(site.App, token);
        var offset = await resumed.OffsetAsync(upload);
        Assert.True(offset is { } o && o >= 0 && o <= handed, $"After the restart HEAD says offset {offset?.ToString() ?? "404"}; {handed} bytes had been sent.");
        using var rest = await resumed.PatchAsync(upload, offset!.Value, new ByteArrayContent(bytes, (int)offset.Value, bytes.Length - (int)offset.Value));
        Assert.True(rest.StatusCode == HttpStatusCode.NoContent, $"The resuming PATCH answered {await site.App.DescribeAsync(rest)}");
        var fileId = Guid.Parse(TusTestClient.Header(rest, "Vault-File-Id"));
        Assert.Equal(FilesTestClient.Sha256(bytes), FilesTestClient.Sha256(await resumed.DownloadAsync(fileId)));
        var listed = Assert.Single(await resumed.AssertEveryListedFileDownloadsIntactAsync());
        Assert.Equal(FilesTestClient.Sha256(bytes), listed.Sha256);
        await site.AssertNoTempFilesOfDeadProcessesAsync();
    }

    [Fact]
    public async Task KillDuringManyParallelDeletes_LeavesNoAnsweredDeleteAndNoHalfDeletedFile()
    {
        await using var site = await CrashSite.StartAsync(provider);
        using var alice = await VaultUser.RegisterAsync(site.App);
        var token = await alice.TokenAsync(site.App);
        var uploaded = new ConcurrentDictionary<Guid, byte[]>();
        var deleted = new ConcurrentBag<Guid>();
        using (var api = VaultUser.WithToken(site.App, token))
        {
            // Some files share their bytes, so that a delete also meets a blob another row still uses.
            var shared = FilesTestClient.RandomBytes(20_000);
            await Parallel.ForEachAsync(Enumerable.Range(0, 120), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (i, _) =>
            {
                var bytes = i % 4 == 0 ? shared : FilesTestClient.RandomBytes(Random.Shared.Next(1, 50_000));
                uploaded[(await api.UploadAsync($"f{i}.bin", bytes)).Id] = bytes;
            });

            var queue = new ConcurrentQueue<Guid>(uploaded.Keys.OrderBy(_ => Random.Shared.Next()));
            var workers = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
            {
                while (queue.TryDequeue(out var id))
                {
                    try
                    {
                        using var response = await api.DeleteAsync($"api/files/{id}");
                        if (response.StatusCode == HttpStatusCode.NoContent)
                        {
                            deleted.Add(id);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return;
                    }
                }
            })).ToList();

            await Task.Delay(Random.Shared.Next(20, 250));
            await site.App.KillAsync();
            await Task.WhenAll(workers);
        }

        await site.KillAndRestartAsync();
        using var afterRestart = VaultUser.WithToken(site.App, token);
        var listed = await afterRestart.AssertEveryListedFileDownloadsIntactAsync();
        Assert.Empty(listed.Select(f => f.Id).Intersect(deleted));
        foreach (var id in deleted.Take(10))
        {
            using var gone = await afterRestart.GetAsync($"api/files/{id}/content");
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        // A file whose delete was never answered is either wholly there, with its own bytes, or gone.
        foreach (var file in listed)
        {
            Assert.True(uploaded.TryGetValue(file.Id, out var original), $"{file.Id} is listed but was never uploaded.");
            Assert.Equal(FilesTestClient.Sha256(original), file.Sha256);
        }

        await site.AssertNoTempFilesOfDeadProcessesAsync();
    }

    [Fact]
    public async Task Start_WithAnEmptyResumableUploadRecord_ServesAndAcceptsUploads()
    {
        // Today's records are uploads/<32 hex>.json; an empty one is what a crash in the middle of writing one could leave.
        await using var site = await CrashSite.StartAsync(provider, data =>
        {
            Directory.CreateDirectory(Path.Combine(data, "uploads"));
            File.WriteAllBytes(Path.Combine(data, "uploads", Guid.NewGuid().ToString("N") + ".json"), []);
        });
        using var alice = await VaultUser.RegisterAsync(site.App);
        var api = await alice.ApiOnAsync(site.App);
        var bytes = FilesTestClient.RandomBytes(300_000);

        using var created = await api.CreateRawAsync(bytes.Length, "after.bin");
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"Creating an upload answered {await site.App.DescribeAsync(created)}");
        using var patched = await api.PatchAsync(VaultApi.UploadPathOf(created), 0, bytes);
        Assert.True(patched.StatusCode == HttpStatusCode.NoContent, $"The PATCH answered {await site.App.DescribeAsync(patched)}");
        var raw = await api.UploadAsync("raw.bin", bytes);

        Assert.Equal(FilesTestClient.Sha256(bytes), FilesTestClient.Sha256(await api.DownloadAsync(Guid.Parse(TusTestClient.Header(patched, "Vault-File-Id")))));
        Assert.Equal(bytes, await api.DownloadAsync(raw.Id));
        using var health = await api.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.False(site.App.HasExited, $"The app stopped:{Environment.NewLine}{site.App.OutputTail()}");
    }

    public sealed class OnSqlite() : CrashTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : CrashTests(DatabaseProvider.PostgreSql);
}
