using System.Net;
using System.Text.Json;
using BlazorVault.Files;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Files.Uploads;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.MultiProcess;

/// <summary>
/// Two processes of the app on one data directory and one database (SQLite, or PostgreSQL) must behave
/// as one app: what one of them admits, stores, deletes or signs, the other sees and honours; when one
/// dies, the other goes on. Over HTTP only.
/// </summary>
[Trait("Category", "MultiProcess")]
public abstract class TwoProcessTests(ProcessPair pair)
{
    private const int MiB = 1024 * 1024;

    private VaultProcess A => pair.A;

    private VaultProcess B => pair.B;

    /// <summary>
    /// 8 uploads of 2 MiB against a quota of 10 MiB, half to each process, all at once; four users at
    /// the same time, so that commits near the limit meet on both processes more often.
    /// </summary>
    [Fact]
    public async Task ParallelUploadsOnBothProcesses_NeverStoreMoreThanTheQuota()
    {
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => UploadEightAtOnceWithinTheQuotaAsync()));
    }

    private async Task UploadEightAtOnceWithinTheQuotaAsync()
    {
        using var alice = await VaultUser.RegisterAsync(A);
        var onA = await alice.ApiOnAsync(A);
        var onB = await alice.ApiOnAsync(B);
        var files = Enumerable.Range(0, 8).Select(_ => FilesTestClient.RandomBytes(2 * MiB)).ToArray();

        var responses = await Task.WhenAll(files.Select(async (bytes, i) =>
        {
            using var response = await (i % 2 == 0 ? onA : onB).UploadRawAsync($"part-{i}.bin", bytes);
            return (Bytes: bytes, Status: response.StatusCode, MediaType: response.Content.Headers.ContentType?.MediaType,
                Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.All(responses, r => Assert.True(
            r.Status is HttpStatusCode.Created or HttpStatusCode.InsufficientStorage, $"An upload answered {(int)r.Status}: {r.Body}"));
        Assert.All(responses.Where(r => r.Status == HttpStatusCode.InsufficientStorage), r => Assert.Equal("application/problem+json", r.MediaType));
        var accepted = responses.Where(r => r.Status == HttpStatusCode.Created).ToList();
        var listed = await onB.ListAllAsync();
        Assert.True(listed.Sum(f => f.Size) <= ProcessPair.QuotaBytes,
            $"{accepted.Count} uploads of 2 MiB answered 201 and {listed.Sum(f => f.Size)} bytes are stored against a quota of {ProcessPair.QuotaBytes}.");
        Assert.NotEmpty(accepted);
        Assert.Equal(accepted.Count * 2L * MiB, listed.Sum(f => f.Size));
        Assert.Equal(
            accepted.Select(r => FilesTestClient.Sha256(r.Bytes)).Order(),
            listed.Select(f => f.Sha256).Order());
        await onA.AssertEveryListedFileDownloadsIntactAsync();
    }

    [Fact]
    public async Task ResumableUpload_BegunOnOneProcess_IsFinishedOnTheOther()
    {
        using var alice = await VaultUser.RegisterAsync(A);
        var onA = await alice.ApiOnAsync(A);
        var onB = await alice.ApiOnAsync(B);
        var bytes = FilesTestClient.RandomBytes(3 * MiB);
        var half = bytes.Length / 2;

        using var created = await onA.CreateRawAsync(bytes.Length, "moved.bin");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var upload = VaultApi.UploadPathOf(created);
        using (var first = await onA.PatchAsync(upload, 0, bytes[..half]))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
            Assert.Equal(half.ToString(System.Globalization.CultureInfo.InvariantCulture), TusTestClient.Header(first, "Upload-Offset"));
        }

        Assert.Equal(half, await onB.OffsetAsync(upload));
        using var rest = await onB.PatchAsync(upload, half, new ByteArrayContent(bytes, half, bytes.Length - half));
        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), TusTestClient.Header(rest, "Upload-Offset"));
        var fileId = Guid.Parse(TusTestClient.Header(rest, "Vault-File-Id"));

        var fromA = await onA.DownloadAsync(fileId);
        var fromB = await onB.DownloadAsync(fileId);
        Assert.Equal(FilesTestClient.Sha256(bytes), FilesTestClient.Sha256(fromA));
        Assert.Equal(FilesTestClient.Sha256(bytes), FilesTestClient.Sha256(fromB));
        var listed = Assert.Single(await onA.ListAllAsync());
        Assert.Equal((fileId, "moved.bin", (long)bytes.Length), (listed.Id, listed.Name, listed.Size));

        // A, which saw the first half, must not keep its own stale idea of the upload either.
        using var head = await onA.HeadAsync(upload);
        Assert.True(head.StatusCode == HttpStatusCode.OK, $"HEAD on A after B finished answered {await A.DescribeAsync(head)}");
        Assert.True(TusTestClient.Header(head, "Upload-Offset") == bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"HEAD on A after B finished says Upload-Offset {TusTestClient.Header(head, "Upload-Offset")} of {bytes.Length}.");
        Assert.Equal(fileId.ToString(), TusTestClient.Header(head, "Vault-File-Id"));
    }

    [Fact]
    public async Task ResumableUpload_FinishedOnOneProcess_IsNotStoredAgainThroughTheOther()
    {
        using var alice = await VaultUser.RegisterAsync(A);
        var onA = await alice.ApiOnAsync(A);
        var onB = await alice.ApiOnAsync(B);
        var bytes = FilesTestClient.RandomBytes(2 * MiB);
        var half = bytes.Length / 2;
        using var created = await onA.CreateRawAsync(bytes.Length, "once.bin");
        var upload = VaultApi.UploadPathOf(created);
        using (var first = await onA.PatchAsync(upload, 0, bytes[..half]))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        string fileId;
        using (var finished = await onB.PatchAsync(upload, half, new ByteArrayContent(bytes, half, bytes.Length - half)))
        {
            Assert.Equal(HttpStatusCode.NoContent, finished.StatusCode);
            fileId = TusTestClient.Header(finished, "Vault-File-Id");
        }

        // A client whose answer from B was lost asks A where to go on from, and sends the rest again.
        var offset = await onA.OffsetAsync(upload);
        if (offset is { } from && from < bytes.Length)
        {
            using var again = await onA.PatchAsync(upload, from, new ByteArrayContent(bytes, (int)from, bytes.Length - (int)from));
            // A tus answer: the same file again, the true offset, or gone; not a server error.
            Assert.True(
                again.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict
                    || (again.StatusCode == HttpStatusCode.NoContent && TusTestClient.Header(again, "Vault-File-Id") == fileId),
                $"A's HEAD said offset {from} of {bytes.Length} after B finished; the PATCH of the rest answered {await A.DescribeAsync(again)}");
        }

        var listed = await onB.ListAllAsync();
        Assert.True(listed.Count == 1, $"One upload is stored {listed.Count} times (A's HEAD said offset {offset?.ToString() ?? "404"} of {bytes.Length}).");
        Assert.Equal(FilesTestClient.Sha256(bytes), listed[0].Sha256);
    }

    // The next three start a pair of their own on a fresh data directory, both processes at once, and
    // use both at once: neither may have made keys of its own that the other does not know.

    [Fact]
    public async Task ApiTokens_SignedByBothProcessesAtOnce_AreEachAcceptedByTheOther()
    {
        await using var fresh = await pair.StartFreshAsync();
        using var alice = await VaultUser.RegisterAsync(fresh.A);

        var tokens = await Task.WhenAll(alice.TokenAsync(fresh.A), alice.TokenAsync(fresh.B));

        using var aTokenOnB = VaultUser.WithToken(fresh.B, tokens[0]);
        using (var me = await aTokenOnB.GetAsync("api/me"))
        {
            Assert.True(me.StatusCode == HttpStatusCode.OK, $"A's token on B answered {await fresh.B.DescribeAsync(me)}");
        }

        using var bTokenOnA = VaultUser.WithToken(fresh.A, tokens[1]);
        using (var me = await bTokenOnA.GetAsync("api/me"))
        {
            Assert.True(me.StatusCode == HttpStatusCode.OK, $"B's token on A answered {await fresh.A.DescribeAsync(me)}");
        }
    }

    [Fact]
    public async Task ShareLinks_CreatedOnBothProcessesAtOnce_EachDownloadOnTheOther()
    {
        await using var fresh = await pair.StartFreshAsync();
        using var alice = await VaultUser.RegisterAsync(fresh.A);
        var onA = await alice.ApiOnAsync(fresh.A);
        var onB = await alice.ApiOnAsync(fresh.B);
        var bytes = FilesTestClient.RandomBytes(50_000);
        var file = await onA.UploadAsync("shared.bin", bytes);

        var links = await Task.WhenAll(CreateLinkAsync(onA, file.Id), CreateLinkAsync(onB, file.Id));

        foreach (var (link, from, to) in new[] { (links[0], "A", fresh.B), (links[1], "B", fresh.A) })
        {
            using var visitor = to.CreateBrowserClient();
            using var download = await DownloadSharedAsync(visitor, visitor, link + "/download");
            Assert.True(download.StatusCode == HttpStatusCode.OK, $"A link made on {from} answered on the other {await to.DescribeAsync(download)}");
            Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task SessionCookie_FromSigningInOnOneProcess_OpensTheDashboardOnTheOther()
    {
        await using var fresh = await pair.StartFreshAsync();
        using var alice = await VaultUser.RegisterAsync(fresh.A);
        using var bob = await VaultUser.RegisterAsync(fresh.B);

        // Cookies do not depend on the port: one jar is one browser that meets both processes on the same host.
        var aliceCookies = new CookieContainer();
        var bobCookies = new CookieContainer();
        using var aliceOnA = fresh.A.CreateBrowserClient(aliceCookies);
        using var bobOnB = fresh.B.CreateBrowserClient(bobCookies);
        var signIns = await Task.WhenAll(aliceOnA.SignInAsync(alice.UserName), bobOnB.SignInAsync(bob.UserName));
        Assert.All(signIns, s => Assert.Equal(HttpStatusCode.Redirect, s.StatusCode));

        foreach (var (cookies, user, to) in new[] { (aliceCookies, alice, fresh.B), (bobCookies, bob, fresh.A) })
        {
            using var browser = to.CreateBrowserClient(cookies);
            using var dashboard = await browser.GetAsync("/");
            Assert.True(dashboard.StatusCode == HttpStatusCode.OK,
                $"{user.UserName}'s session opened / on the other process with {(int)dashboard.StatusCode} {dashboard.Headers.Location}{Environment.NewLine}{to.OutputTail()}");
            Assert.Matches($"data-testid=\"nav-user\"[^>]*>{user.UserName}<", await dashboard.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task FileDeletedOnOneProcess_IsGoneOnTheOther()
    {
        using var alice = await VaultUser.RegisterAsync(A);
        var onA = await alice.ApiOnAsync(A);
        var onB = await alice.ApiOnAsync(B);
        var kept = await onA.UploadAsync("kept.bin", FilesTestClient.RandomBytes(10_000));
        var doomed = await onA.UploadAsync("doomed.bin", FilesTestClient.RandomBytes(10_000));
        Assert.Equal(2, (await onB.ListAllAsync()).Count);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync($"api/files/{doomed.Id}/content")).StatusCode);

        using var deleted = await onA.DeleteAsync($"api/files/{doomed.Id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await onB.GetAsync($"api/files/{doomed.Id}/content")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await onB.GetAsync($"api/files/{doomed.Id}")).StatusCode);
        Assert.Equal(kept.Id, Assert.Single(await onB.ListAllAsync()).Id);
    }

    /// <summary>On one shared data directory (the file-system store; with a bucket each process has its own scratch).</summary>
    protected async Task UploadInProgressOnOneProcess_SurvivesTheStartUpSweepOfTheOther_OnASharedDirectory()
    {
        using var alice = await VaultUser.RegisterAsync(A);
        var onA = await alice.ApiOnAsync(A);
        // An old temp file of a write that no process runs: the sweep takes it, which tells the test it ran.
        var canary = Path.Combine(pair.DataDirectory, "tmp", Guid.NewGuid().ToString("N") + ".upload");
        await File.WriteAllBytesAsync(canary, new byte[100]);
        File.SetLastWriteTimeUtc(canary, DateTime.UtcNow.AddDays(-2));

        var bytes = FilesTestClient.RandomBytes(8 * MiB);
        var restarted = new TaskCompletionSource();
        // Trickles (16 KiB per 100 ms, well above Kestrel's minimum rate; some 45 s for the rest) after the first MiB until B has restarted.
        var body = new HookedStream(bytes, position => position >= MiB && !restarted.Task.IsCompleted ? Task.Delay(100) : Task.CompletedTask);
        var content = new StreamContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        var upload = onA.PostAsync(FilesTestClient.UploadPath("slow.bin"), content);
        try
        {
            await WaitUntilAsync(() => body.Handed >= MiB + (256 * 1024), "the first MiB to be sent");
            await pair.RestartBAsync();
            await WaitUntilAsync(() => !File.Exists(canary), "the start-up sweep of the new B to remove an old temp file");
            Assert.False(upload.IsCompleted, "The upload finished before B restarted; the test proved nothing.");
        }
        finally
        {
            restarted.TrySetResult();
        }

        using var response = await upload;
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"The upload on A answered {await A.DescribeAsync(response)}");
        var file = (await response.Content.ReadFromJsonAsync<FileItem>())!;
        Assert.Equal(FilesTestClient.Sha256(bytes), file.Sha256);
        Assert.Equal(bytes, await onA.DownloadAsync(file.Id));
        Assert.Equal(bytes, await (await alice.ApiOnAsync(B)).DownloadAsync(file.Id));
    }

    [Fact]
    public async Task UnfinishedResumableUpload_ReservesItsDeclaredLengthAgainstTheQuota()
    {
        using var alice = await VaultUser.RegisterAsync(A);
        var onA = await alice.ApiOnAsync(A);
        var onB = await alice.ApiOnAsync(B);
        var declared = 8 * MiB;
        using var created = await onA.CreateRawAsync(declared, "big.bin");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var resumable = VaultApi.UploadPathOf(created);
        using (var patched = await onA.PatchAsync(resumable, 0, FilesTestClient.RandomBytes(MiB)))
        {
            Assert.Equal(HttpStatusCode.NoContent, patched.StatusCode);
        }

        var other = FilesTestClient.RandomBytes(4 * MiB);
        using (var refused = await onB.UploadRawAsync("other.bin", other))
        {
            Assert.True(refused.StatusCode == HttpStatusCode.InsufficientStorage,
                $"4 MiB beside an unfinished 8 MiB upload, quota 10 MiB, answered {(int)refused.StatusCode}.");
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        using (var refusedCreation = await onB.CreateRawAsync(other.Length, "other.bin"))
        {
            Assert.Equal(HttpStatusCode.InsufficientStorage, refusedCreation.StatusCode);
        }

        Assert.Empty(await onA.ListAllAsync());

        using (var terminated = await onB.TerminateAsync(resumable))
        {
            Assert.Equal(HttpStatusCode.NoContent, terminated.StatusCode);
        }

        var stored = await onA.UploadAsync("other.bin", other);
        Assert.Equal(FilesTestClient.Sha256(other), stored.Sha256);
        Assert.Equal(other.Length, Assert.Single(await onB.ListAllAsync()).Size);
    }

    [Fact]
    public async Task ShareLink_ForOneDownload_HitOnBothProcessesAtOnce_GivesExactlyOneDownload()
    {
        using var alice = await VaultUser.RegisterAsync(A);
        var onA = await alice.ApiOnAsync(A);
        var bytes = FilesTestClient.RandomBytes(200_000);
        var file = await onA.UploadAsync("once.bin", bytes);
        using var created = await onA.PostAsJsonAsync($"api/files/{file.Id}/links", new { maxDownloads = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var link = new Uri(json.RootElement.GetProperty("url").GetString()!).AbsolutePath.TrimStart('/') + "/download";

        // Ten visitors at once, half of them on each process.
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            // The link checked on one process, its download grant spent on the other.
            using var visitor = (i % 2 == 0 ? A : B).CreateBrowserClient();
            using var other = (i % 2 == 0 ? B : A).CreateBrowserClient();
            using var response = await DownloadSharedAsync(visitor, other, link);
            return (response.StatusCode, Body: await response.Content.ReadAsByteArrayAsync());
        }));

        var downloads = answers.Where(a => a.StatusCode == HttpStatusCode.OK).ToList();
        Assert.True(downloads.Count == 1, $"{downloads.Count} of 10 requests downloaded a link for one download.");
        Assert.Equal(bytes, downloads[0].Body);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.NotFound, a.StatusCode));
        using var later = B.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.NotFound, (await later.GetAsync(link)).StatusCode);
    }

    /// <summary>A short share link's download as a browser follows it: the link's redirect, then its download grant (on another process, if given).</summary>
    private static async Task<HttpResponseMessage> DownloadSharedAsync(HttpClient first, HttpClient then, string link)
    {
        var response = await first.GetAsync(link);
        if (response.StatusCode != HttpStatusCode.Found)
        {
            return response;
        }

        var grant = response.Headers.Location!;
        response.Dispose();
        return await then.GetAsync(grant);
    }

    [Fact]
    public async Task OneProcessKilledMidUpload_TheOtherKeepsServing_AndFinishesTheResumableUpload()
    {
        // Room for a bucket's whole parts.
        await using var fresh = await pair.StartFreshAsync(new Dictionary<string, string?> { ["Vault:DefaultQuotaBytes"] = (200 * MiB).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var alice = await VaultUser.RegisterAsync(fresh.A);
        var token = await alice.TokenAsync(fresh.A);
        using var onA = VaultUser.WithToken(fresh.A, token);
        using var onB = VaultUser.WithToken(fresh.B, token);
        var kept = FilesTestClient.RandomBytes(300_000);
        var keptFile = await onA.UploadAsync("kept.bin", kept);
        using var link = await onA.PostAsJsonAsync($"api/files/{keptFile.Id}/links", new { });
        using var linkJson = JsonDocument.Parse(await link.Content.ReadAsStringAsync());
        var linkPath = new Uri(linkJson.RootElement.GetProperty("url").GetString()!).AbsolutePath.TrimStart('/') + "/download";

        // A resumable upload begun on A, and a plain one, both mid-body when A dies. What survives A is
        // what A made durable: every byte on a disk, whole parts (8 MiB) in a bucket.
        var step = fresh.SharesDataDirectory ? MiB : (int)BlazorVault.Storage.S3BlobStore.PartSizeFor(1);
        var bytes = FilesTestClient.RandomBytes(6 * step);
        using var created = await onA.CreateRawAsync(bytes.Length, "moving.bin");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var upload = VaultApi.UploadPathOf(created);
        var tusBody = new HookedStream(bytes, position => position >= 2 * step ? Task.Delay(50) : Task.CompletedTask);
        var patch = onA.PatchAsync(upload, 0, new StreamContent(tusBody));
        var rawBody = new HookedStream(FilesTestClient.RandomBytes(4 * MiB), position => position >= MiB ? Task.Delay(50) : Task.CompletedTask);
        var raw = onA.PostAsync(FilesTestClient.UploadPath("half.bin"), new StreamContent(rawBody));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await onB.OffsetAsync(upload) is not { } durable || durable < step || rawBody.Handed < MiB)
        {
            Assert.True(DateTime.UtcNow < deadline, $"A never reported {step} bytes of the resumable upload received.");
            await Task.Delay(50);
        }

        await fresh.A.KillAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => patch);
        await Assert.ThrowsAnyAsync<Exception>(() => raw);

        // B serves what was there, takes new uploads, and never lists the half-sent one.
        using (var health = await onB.GetAsync("health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        Assert.Equal(kept, await onB.DownloadAsync(keptFile.Id));
        using (var visitor = fresh.B.CreateBrowserClient())
        {
            using var download = await DownloadSharedAsync(visitor, visitor, linkPath);
            Assert.Equal(kept, await download.Content.ReadAsByteArrayAsync());
        }

        var after = FilesTestClient.RandomBytes(100_000);
        Assert.Equal(FilesTestClient.Sha256(after), (await onB.UploadAsync("after.bin", after)).Sha256);
        Assert.Equal(["after.bin", "kept.bin"], (await onB.ListAllAsync()).Select(f => f.Name).Order());

        // The dead process's lease on the upload runs out; then B continues from the recorded offset.
        var offset = (await onB.OffsetAsync(upload))!.Value;
        Assert.InRange(offset, step, tusBody.Handed);
        HttpResponseMessage rest;
        while (true)
        {
            rest = await onB.PatchAsync(upload, offset, new ByteArrayContent(bytes, (int)offset, bytes.Length - (int)offset));
            if (rest.StatusCode != HttpStatusCode.Locked)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline.AddSeconds(30), "The dead process's lease on the upload never ran out.");
            rest.Dispose();
        }

        using (rest)
        {
            Assert.True(rest.StatusCode == HttpStatusCode.NoContent, $"The resuming PATCH on B answered {await fresh.B.DescribeAsync(rest)}");
            var fileId = Guid.Parse(TusTestClient.Header(rest, "Vault-File-Id"));
            Assert.Equal(FilesTestClient.Sha256(bytes), FilesTestClient.Sha256(await onB.DownloadAsync(fileId)));
        }

        await onB.AssertEveryListedFileDownloadsIntactAsync();
    }

    /// <summary>A new share link's path (<c>s/&lt;token&gt;</c>), to be asked of any process.</summary>
    private static async Task<string> CreateLinkAsync(HttpClient owner, Guid fileId)
    {
        using var response = await owner.PostAsJsonAsync($"api/files/{fileId}/links", new { });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating a link on {owner.BaseAddress} answered {(int)response.StatusCode}.");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return new Uri(json.RootElement.GetProperty("url").GetString()!).AbsolutePath.TrimStart('/');
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Gave up waiting for {what}.");
            await Task.Delay(25);
        }
    }

    public sealed class OnSqlite(ProcessPair.Sqlite pair) : TwoProcessTests(pair), IClassFixture<ProcessPair.Sqlite>
    {
        [Fact]
        public Task UploadInProgressOnOneProcess_SurvivesTheStartUpSweepOfTheOther() =>
            UploadInProgressOnOneProcess_SurvivesTheStartUpSweepOfTheOther_OnASharedDirectory();
    }

    public sealed class OnPostgreSql(ProcessPair.PostgreSql pair) : TwoProcessTests(pair), IClassFixture<ProcessPair.PostgreSql>
    {
        [Fact]
        public Task UploadInProgressOnOneProcess_SurvivesTheStartUpSweepOfTheOther() =>
            UploadInProgressOnOneProcess_SurvivesTheStartUpSweepOfTheOther_OnASharedDirectory();
    }

    /// <summary>As two machines run it: one PostgreSQL database, one S3 bucket, a scratch directory each.</summary>
    public sealed class OnPostgreSqlAndS3(ProcessPair.PostgreSqlAndS3 pair) : TwoProcessTests(pair), IClassFixture<ProcessPair.PostgreSqlAndS3>;
}
