using System.Security.Cryptography;
using BlazorVault.Storage;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Storage;

public sealed class FileSystemBlobStoreTests : IAsyncLifetime
{
    private FilesTestBed _bed = null!;

    private IBlobStore Blobs => _bed.Blobs;

    public async ValueTask InitializeAsync() => _bed = await FilesTestBed.CreateAsync();

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    private static Task<IReadOnlySet<string>> NothingReferenced(IReadOnlyCollection<string> hashes, CancellationToken token) =>
        Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());

    [Fact]
    public async Task Write_StoresTheBytesUnderTheirSha256()
    {
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var expected = Convert.ToHexStringLower(SHA256.HashData(bytes));

        using var blob = await Blobs.WriteAsync(new MemoryStream(bytes), long.MaxValue, null, default);

        Assert.Equal(expected, blob.Sha256);
        Assert.Equal(bytes.Length, blob.Length);
        var path = Path.Combine(_bed.DataDirectory, "blobs", expected[..2], expected[2..4], expected);
        Assert.Equal(path, Blobs.GetPhysicalPath(expected));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Write_OfIdenticalContentTwice_StoresOneBlob()
    {
        var bytes = RandomNumberGenerator.GetBytes(10_000);

        using var first = await Blobs.WriteAsync(new MemoryStream(bytes), long.MaxValue, null, default);
        using var second = await Blobs.WriteAsync(new MemoryStream(bytes), long.MaxValue, null, default);

        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Single(_bed.BlobFiles());
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Write_OfIdenticalContentConcurrently_EndsWithOneIntactBlob()
    {
        var bytes = RandomNumberGenerator.GetBytes(2_000_000);

        var blobs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => Blobs.WriteAsync(new MemoryStream(bytes), long.MaxValue, null, default))));

        Assert.Single(blobs.Select(b => b.Sha256).Distinct());
        Assert.Single(_bed.BlobFiles());
        Assert.Empty(_bed.TempFiles());
        await using var stream = Blobs.OpenRead(blobs[0].Sha256)!;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)));
        foreach (var blob in blobs)
        {
            blob.Dispose();
        }
    }

    [Fact]
    public async Task Write_ExactlyAtTheLimit_Succeeds()
    {
        using var blob = await Blobs.WriteAsync(new MemoryStream(new byte[1000]), 1000, null, default);
        Assert.Equal(1000, blob.Length);
    }

    [Fact]
    public async Task Write_OneByteOverTheLimit_ThrowsAndLeavesNothing()
    {
        await Assert.ThrowsAsync<BlobTooLargeException>(() =>
            Blobs.WriteAsync(new MemoryStream(new byte[1001]), 1000, null, default));

        Assert.Empty(_bed.BlobFiles());
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Write_WhenTheSourceFailsMidway_LeavesNothing()
    {
        await Assert.ThrowsAsync<IOException>(() =>
            Blobs.WriteAsync(GeneratedStream.FailingAfter(3_000_000), long.MaxValue, null, default));

        Assert.Empty(_bed.BlobFiles());
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Write_WhenCancelledMidway_LeavesNothing()
    {
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(done => { if (done > 1_000_000) { cancel.Cancel(); } });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Blobs.WriteAsync(new GeneratedStream(long.MaxValue), long.MaxValue, progress, cancel.Token));

        Assert.Empty(_bed.BlobFiles());
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Write_OverSeveralWriteBehindSteps_StoresTheExactBytes()
    {
        // Background fsyncs run while the write goes on; the result must be byte for byte the input.
        const long length = 3 * WriteBehind.StepBytes + 12_345;

        using var blob = await Blobs.WriteAsync(new GeneratedStream(length), long.MaxValue, null, default);

        Assert.Equal((GeneratedStream.Sha256Of(length), length), (blob.Sha256, blob.Length));
        Assert.Equal(length, new FileInfo(Blobs.GetPhysicalPath(blob.Sha256)!).Length);
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Write_WhenTheSourceFailsAfterABackgroundFsync_LeavesNothing()
    {
        await Assert.ThrowsAsync<IOException>(() =>
            Blobs.WriteAsync(GeneratedStream.FailingAfter(2 * WriteBehind.StepBytes + 5), long.MaxValue, null, default));

        Assert.Empty(_bed.BlobFiles());
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Resumable_BrokenOffAfterABackgroundFsync_KeepsWhatArrived_AndCompletesToTheSameSha256()
    {
        const long length = 2 * WriteBehind.StepBytes + 777;
        using var staged = Blobs.OpenResumable("write-behind");

        await Assert.ThrowsAsync<IOException>(() =>
            staged.AppendAsync(GeneratedStream.FailingAfter(WriteBehind.StepBytes + 99), length, null, default));
        var kept = staged.Length;
        Assert.InRange(kept, WriteBehind.StepBytes, length - 1);

        var rest = new GeneratedStream(length);
        await SkipAsync(rest, kept);
        await staged.AppendAsync(rest, length, null, default);
        using var blob = await staged.CompleteAsync(default);

        Assert.Equal((GeneratedStream.Sha256Of(length), length), (blob.Sha256, blob.Length));
    }

    private static async Task SkipAsync(Stream stream, long count)
    {
        var buffer = new byte[81920];
        while (count > 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)));
            Assert.NotEqual(0, read);
            count -= read;
        }
    }

    [Fact]
    public async Task Write_ReportsProgressUpToTheWholeLength()
    {
        long last = 0;
        var progress = new SynchronousProgress(done => last = done);

        using var blob = await Blobs.WriteAsync(new MemoryStream(new byte[3_500_000]), long.MaxValue, progress, default);

        Assert.Equal(3_500_000, last);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF0000000000000000000000000000000000000000000000000000000000")]
    public void OpenRead_OfAMissingOrMalformedHash_ReturnsNull(string sha256) =>
        Assert.Null(Blobs.OpenRead(sha256));

    [Fact]
    public async Task Sweep_RemovesUnreferencedBlobsAndLeftoverTempFiles()
    {
        string kept, dropped;
        using (var a = await Blobs.WriteAsync(new MemoryStream([1, 2, 3]), long.MaxValue, null, default))
        using (var b = await Blobs.WriteAsync(new MemoryStream([4, 5, 6]), long.MaxValue, null, default))
        {
            (kept, dropped) = (a.Sha256, b.Sha256);
        }

        await File.WriteAllTextAsync(Path.Combine(_bed.DataDirectory, "tmp", "crashed.upload"), "half a file");

        var removed = await Blobs.SweepAsync(
            (hashes, _) => Task.FromResult<IReadOnlySet<string>>(hashes.Where(h => h == kept).ToHashSet()), default);

        Assert.Equal(2, removed);
        await using (var stillThere = Blobs.OpenRead(kept))
        {
            Assert.NotNull(stillThere);
        }

        Assert.Null(Blobs.OpenRead(dropped));
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Sweep_NeverRemovesABlobWhoseRowIsAboutToBeCommitted()
    {
        // The upload has renamed its blob but not yet committed its row.
        using var staged = await Blobs.WriteAsync(new MemoryStream([7, 7, 7]), long.MaxValue, null, default);

        await Blobs.SweepAsync(NothingReferenced, default);

        Assert.Single(_bed.BlobFiles());
    }

    [Fact]
    public async Task DeleteIfUnused_WhenAWriteOfTheSameContentEndedAfterTheReferenceCheck_KeepsTheBlob()
    {
        using (await Blobs.WriteAsync(new MemoryStream([1, 1]), long.MaxValue, null, default))
        {
        }

        // A deleter looks for references and finds none...
        var lookedAt = DateTime.UtcNow;
        await Task.Delay(20);
        // ...meanwhile another upload of the same bytes commits its row and releases the blob...
        var again = await Blobs.WriteAsync(new MemoryStream([1, 1]), long.MaxValue, null, default);
        again.Dispose();

        // ...so the deleter's stale answer must not remove it.
        Assert.False(await Blobs.DeleteIfUnusedAsync(again.Sha256, lookedAt, default));
        Assert.Single(_bed.BlobFiles());
    }

    [Fact]
    public async Task DeleteIfUnused_WhileAWriteOfTheSameContentIsInFlight_KeepsTheBlob()
    {
        using var staged = await Blobs.WriteAsync(new MemoryStream([2, 2]), long.MaxValue, null, default);

        Assert.False(await Blobs.DeleteIfUnusedAsync(staged.Sha256, DateTime.UtcNow.AddMinutes(1), default));
        Assert.Single(_bed.BlobFiles());
    }

    [Fact]
    public async Task DeleteIfUnused_WhenNothingWantsTheBlob_RemovesIt()
    {
        string sha256;
        using (var blob = await Blobs.WriteAsync(new MemoryStream([3, 3]), long.MaxValue, null, default))
        {
            sha256 = blob.Sha256;
        }

        Assert.True(await Blobs.DeleteIfUnusedAsync(sha256, DateTime.UtcNow.AddSeconds(1), default));
        Assert.Empty(_bed.BlobFiles());
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
