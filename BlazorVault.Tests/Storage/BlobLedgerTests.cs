using System.Security.Cryptography;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Storage;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BlazorVault.Tests.Storage;

/// <summary>
/// The blob rows that decide which bytes stay: what a writer protects, what a crash leaves, what the
/// sweep may remove, and the consistency check that compares the counts with the file rows.
/// </summary>
public abstract class BlobLedgerTests(DatabaseProvider provider) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private FilesTestBed _bed = null!;
    private string _alice = null!;

    public async ValueTask InitializeAsync()
    {
        _bed = await FilesTestBed.CreateAsync(clock: _clock, provider: provider);
        _alice = await _bed.AddUserAsync("alice");
    }

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    private async Task<FileItem> UploadAsync(byte[] bytes, string name = "f.bin") =>
        Assert.IsType<UploadResult.Stored>(await _bed.Files.UploadAsync(_alice, name, null, new MemoryStream(bytes))).File;

    /// <summary>What a commit does up to the moment a crash would stop it: bytes placed, row pending, no file row.</summary>
    private async Task<string> PlaceWithoutCommitAsync(byte[] bytes)
    {
        await using var staged = await _bed.Blobs.StageAsync(new MemoryStream(bytes), long.MaxValue, null, default);
        await _bed.Ledger.MarkPendingAsync(staged.Sha256, staged.Length, default);
        await staged.PlaceAsync(default);
        return staged.Sha256;
    }

    private async Task<BlobRecord?> RowAsync(string sha256)
    {
        await using var db = await _bed.Db.CreateDbContextAsync();
        return await db.Blobs.AsNoTracking().SingleOrDefaultAsync(b => b.Sha256 == sha256);
    }

    [Fact]
    public async Task Upload_CountsOneReferencePerFile_AndDeleteCountsThemDown()
    {
        var bytes = RandomNumberGenerator.GetBytes(5_000);
        var first = await UploadAsync(bytes, "a.bin");
        var second = await UploadAsync(bytes, "b.bin");

        Assert.Equal((2L, 0), (await RowAsync(first.Sha256)) is { } row ? (row.RefCount, row.Pending) : default);

        Assert.True(await _bed.Files.DeleteForeverAsync(_alice, first.Id));
        Assert.Equal(1, (await RowAsync(first.Sha256))!.RefCount);
        Assert.Single(_bed.BlobFiles());

        Assert.True(await _bed.Files.DeleteForeverAsync(_alice, second.Id));
        Assert.Null(await RowAsync(first.Sha256));
        Assert.Empty(_bed.BlobFiles());
    }

    [Fact]
    public async Task Sweep_NeverRemovesABlobWhoseWriterIsAboutToCommit()
    {
        var sha256 = await PlaceWithoutCommitAsync([7, 7, 7]);

        await _bed.Ledger.SweepAsync(default);

        Assert.Single(_bed.BlobFiles());
        Assert.Equal(0, (await RowAsync(sha256))!.RefCount);
    }

    [Fact]
    public async Task Sweep_AfterAWriterDiedBeforeItsCommit_RemovesTheBlobOnceTheGraceHasPassed()
    {
        var sha256 = await PlaceWithoutCommitAsync([8, 8, 8]);

        _clock.Advance(new VaultOptions().Storage.PendingGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _bed.Ledger.SweepAsync(default));

        Assert.Empty(_bed.BlobFiles());
        Assert.Null(await RowAsync(sha256));
    }

    [Fact]
    public async Task Sweep_RemovesBlobFilesThatNoRowKnows_ButKeepsThoseInUse()
    {
        var kept = await UploadAsync([1, 2, 3]);
        // Bytes the database never heard of: a crash of a version before the ledger, or a copied-in file.
        var orphan = Convert.ToHexStringLower(SHA256.HashData([4, 5, 6]));
        var orphanPath = ((IPhysicalBlobFiles)_bed.Blobs).GetPhysicalPath(orphan)!;
        Directory.CreateDirectory(Path.GetDirectoryName(orphanPath)!);
        await File.WriteAllBytesAsync(orphanPath, [4, 5, 6]);

        Assert.Equal(1, await _bed.Ledger.SweepAsync(default));

        Assert.False(File.Exists(orphanPath));
        Assert.Null(await RowAsync(orphan));
        await using var stillThere = await _bed.Blobs.OpenReadAsync(kept.Sha256, default);
        Assert.NotNull(stillThere);
    }

    [Fact]
    public async Task TryRemove_OfABlobAWriterHasJustMarkedPending_KeepsIt()
    {
        var file = await UploadAsync([9, 9]);
        // Another upload of the same bytes is between its pending mark and its commit when the first file goes.
        await _bed.Ledger.MarkPendingAsync(file.Sha256, 2, default);

        Assert.True(await _bed.Files.DeleteForeverAsync(_alice, file.Id));

        Assert.Single(_bed.BlobFiles());
        Assert.False(await _bed.Ledger.TryRemoveAsync(file.Sha256, default));
    }

    [Fact]
    public async Task ScratchSweep_RemovesTheFoldersOfDeadInstances_AndKeepsLiveOnes()
    {
        Assert.NotNull(_bed.Staging); // creates tmp/resumable/
        var tmp = Path.Combine(_bed.DataDirectory, "tmp");
        var dead = Directory.CreateDirectory(Path.Combine(tmp, "deadbeef")).FullName;
        var live = Directory.CreateDirectory(Path.Combine(tmp, "alive")).FullName;
        await File.WriteAllTextAsync(Path.Combine(dead, "x.upload"), "half a file");
        await File.WriteAllTextAsync(Path.Combine(live, "y.upload"), "being written");
        await File.WriteAllTextAsync(Path.Combine(tmp, "old-layout.upload"), "from an older version");

        var removed = await _bed.Blobs.SweepScratchAsync(new HashSet<string> { "alive" }, default);

        Assert.Equal(2, removed);
        Assert.False(Directory.Exists(dead));
        Assert.True(File.Exists(Path.Combine(live, "y.upload")));
        // Resumable uploads live beside the scratch folders and are not the scratch sweep's business.
        Assert.True(Directory.Exists(Path.Combine(tmp, FileSystemResumableStaging.FolderName)));
    }

    [Fact]
    public async Task ConsistencyCheck_AfterUploadsAndDeletes_FindsNothingWrong()
    {
        var shared = RandomNumberGenerator.GetBytes(1000);
        await UploadAsync(shared, "a");
        var b = await UploadAsync(shared, "b");
        await UploadAsync([1], "c");
        await _bed.Files.DeleteForeverAsync(_alice, b.Id);

        var report = await Check().RunAsync(repair: false, default);

        Assert.True(report.IsConsistent, report.ToString());
    }

    [Fact]
    public async Task ConsistencyCheck_FindsAndRepairsWrongCounts_AndReportsFilesWithoutBytes()
    {
        var file = await UploadAsync([1, 2, 3, 4]);
        var lost = await UploadAsync([5, 6]);
        await using (var db = await _bed.Db.CreateDbContextAsync())
        {
            await db.Blobs.Where(x => x.Sha256 == file.Sha256).ExecuteUpdateAsync(set => set.SetProperty(x => x.RefCount, 5));
            await db.Usage.ExecuteUpdateAsync(set => set.SetProperty(u => u.UsedBytes, 999));
        }

        File.Delete(((IPhysicalBlobFiles)_bed.Blobs).GetPhysicalPath(lost.Sha256)!);

        var found = await Check().RunAsync(repair: true, default);
        var after = await Check().RunAsync(repair: false, default);

        Assert.Equal([file.Sha256], found.WrongReferenceCounts);
        Assert.Equal([_alice], found.WrongUsage);
        Assert.Equal([lost.Sha256], found.MissingBytes);
        Assert.Empty(after.WrongReferenceCounts);
        Assert.Empty(after.WrongUsage);
        Assert.Equal(6, (await _bed.Files.GetUsageAsync(_alice)).UsedBytes);
    }

    private ConsistencyCheck Check() => _bed.Services.GetRequiredService<ConsistencyCheck>();

    public sealed class OnSqlite() : BlobLedgerTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : BlobLedgerTests(DatabaseProvider.PostgreSql);
}
