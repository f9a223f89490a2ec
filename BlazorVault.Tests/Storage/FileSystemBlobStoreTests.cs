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

    private IPhysicalBlobFiles Files => (IPhysicalBlobFiles)_bed.Blobs;

    /// <summary>Stages and places, as a commit does (without the ledger, which these tests leave out).</summary>
    private async Task<StagedContent> WriteAsync(Stream content, long maxBytes, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var staged = await Blobs.StageAsync(content, maxBytes, progress, cancellationToken);
        await staged.PlaceAsync(cancellationToken);
        return staged;
    }

    [Fact]
    public async Task Write_StoresTheBytesUnderTheirSha256()
    {
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var expected = Convert.ToHexStringLower(SHA256.HashData(bytes));

        await using var blob = await WriteAsync(new MemoryStream(bytes), long.MaxValue, null, default);

        Assert.Equal(expected, blob.Sha256);
        Assert.Equal(bytes.Length, blob.Length);
        var path = Path.Combine(_bed.DataDirectory, "blobs", expected[..2], expected[2..4], expected);
        Assert.Equal(path, Files.GetPhysicalPath(expected));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Write_OfIdenticalContentTwice_StoresOneBlob()
    {
        var bytes = RandomNumberGenerator.GetBytes(10_000);

        await using var first = await WriteAsync(new MemoryStream(bytes), long.MaxValue, null, default);
        await using var second = await WriteAsync(new MemoryStream(bytes), long.MaxValue, null, default);

        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Single(_bed.BlobFiles());
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Write_OfIdenticalContentConcurrently_EndsWithOneIntactBlob()
    {
        var bytes = RandomNumberGenerator.GetBytes(2_000_000);

        var blobs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => WriteAsync(new MemoryStream(bytes), long.MaxValue, null, default))));

        Assert.Single(blobs.Select(b => b.Sha256).Distinct());
        Assert.Single(_bed.BlobFiles());
        Assert.Empty(_bed.TempFiles());
        await using var stream = (await Blobs.OpenReadAsync(blobs[0].Sha256, default))!;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)));
        foreach (var blob in blobs)
        {
            await blob.DisposeAsync();
        }
    }

    [Fact]
    public async Task Write_ExactlyAtTheLimit_Succeeds()
    {
        await using var blob = await WriteAsync(new MemoryStream(new byte[1000]), 1000, null, default);
        Assert.Equal(1000, blob.Length);
    }

    [Fact]
    public async Task Write_OneByteOverTheLimit_ThrowsAndLeavesNothing()
    {
        await Assert.ThrowsAsync<BlobTooLargeException>(() =>
            WriteAsync(new MemoryStream(new byte[1001]), 1000, null, default));

        Assert.Empty(_bed.BlobFiles());
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Write_WhenTheSourceFailsMidway_LeavesNothing()
    {
        await Assert.ThrowsAsync<IOException>(() =>
            WriteAsync(GeneratedStream.FailingAfter(3_000_000), long.MaxValue, null, default));

        Assert.Empty(_bed.BlobFiles());
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Write_WhenCancelledMidway_LeavesNothing()
    {
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(done => { if (done > 1_000_000) { cancel.Cancel(); } });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            WriteAsync(new GeneratedStream(long.MaxValue), long.MaxValue, progress, cancel.Token));

        Assert.Empty(_bed.BlobFiles());
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Write_OverSeveralWriteBehindSteps_StoresTheExactBytes()
    {
        // Background fsyncs run while the write goes on; the result must be byte for byte the input.
        const long length = 3 * WriteBehind.StepBytes + 12_345;

        await using var blob = await WriteAsync(new GeneratedStream(length), long.MaxValue, null, default);

        Assert.Equal((GeneratedStream.Sha256Of(length), length), (blob.Sha256, blob.Length));
        Assert.Equal(length, new FileInfo(Files.GetPhysicalPath(blob.Sha256)!).Length);
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Write_WhenTheSourceFailsAfterABackgroundFsync_LeavesNothing()
    {
        await Assert.ThrowsAsync<IOException>(() =>
            WriteAsync(GeneratedStream.FailingAfter(2 * WriteBehind.StepBytes + 5), long.MaxValue, null, default));

        Assert.Empty(_bed.BlobFiles());
        Assert.Empty(_bed.TempFiles());
    }

    [Fact]
    public async Task Resumable_BrokenOffAfterABackgroundFsync_KeepsWhatArrived_AndCompletesToTheSameSha256()
    {
        const long length = 2 * WriteBehind.StepBytes + 777;
        await using var staged = await _bed.Staging.OpenAsync("write-behind", 0, null, default);

        await Assert.ThrowsAsync<IOException>(() =>
            staged.AppendAsync(GeneratedStream.FailingAfter(WriteBehind.StepBytes + 99), length, null, default));
        var kept = staged.Length;
        Assert.InRange(kept, WriteBehind.StepBytes, length - 1);

        var rest = new GeneratedStream(length);
        await SkipAsync(rest, kept);
        await staged.AppendAsync(rest, length, null, default);
        await using var blob = await staged.CompleteAsync(default);

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

        await using var blob = await WriteAsync(new MemoryStream(new byte[3_500_000]), long.MaxValue, progress, default);

        Assert.Equal(3_500_000, last);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF0000000000000000000000000000000000000000000000000000000000")]
    public async Task OpenRead_OfAMissingOrMalformedHash_ReturnsNull(string sha256) =>
        Assert.Null(await Blobs.OpenReadAsync(sha256, default));

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
