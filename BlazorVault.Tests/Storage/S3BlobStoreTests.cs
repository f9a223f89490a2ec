using System.Security.Cryptography;
using Amazon.S3.Model;
using BlazorVault.Storage;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Storage;

/// <summary><see cref="S3BlobStore"/> against the test S3 server: what <see cref="FileSystemBlobStoreTests"/> asks of the file store.</summary>
public sealed class S3BlobStoreTests(S3Server s3) : IAsyncLifetime
{
    // Crosses one 8 MiB part boundary and ends in a short last part.
    private const long MultipartLength = 8L * 1024 * 1024 + 300_001;

    private S3StoreTestBed _s3 = null!;

    private IBlobStore Blobs => _s3.Bed.Blobs;

    public async ValueTask InitializeAsync() => _s3 = await S3StoreTestBed.CreateAsync(s3, nameof(S3BlobStoreTests));

    public async ValueTask DisposeAsync()
    {
        if (_s3 is not null)
        {
            await _s3.DisposeAsync();
        }
    }

    private async Task<StagedContent> WriteAsync(Stream content, long maxBytes = long.MaxValue, CancellationToken cancellationToken = default)
    {
        var staged = await Blobs.StageAsync(content, maxBytes, null, cancellationToken);
        await staged.PlaceAsync(cancellationToken);
        return staged;
    }

    [Fact]
    public void TheStoreIsTheBucket() => Assert.IsType<S3BlobStore>(Blobs);

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(300_000L)]
    [InlineData(MultipartLength)]
    public async Task Write_StoresTheExactBytesUnderTheirSha256_AndLeavesNoScratch(long length)
    {
        await using var blob = await WriteAsync(new GeneratedStream(length));

        Assert.Equal((GeneratedStream.Sha256Of(length), length), (blob.Sha256, blob.Length));
        Assert.Equal((blob.Sha256, length), await _s3.StoredAsync(S3BlobStore.KeyOf(blob.Sha256)));
        Assert.Equal([S3BlobStore.KeyOf(blob.Sha256)], await _s3.KeysAsync());
    }

    [Fact]
    public async Task Write_OfIdenticalContentTwice_StoresOneObject()
    {
        var bytes = RandomNumberGenerator.GetBytes(10_000);

        await using var first = await WriteAsync(new MemoryStream(bytes));
        await using var second = await WriteAsync(new MemoryStream(bytes));

        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Single(await _s3.KeysAsync());
    }

    [Fact]
    public async Task Upload_OfContentAFileAlreadyReferences_DoesNotRewriteTheObject()
    {
        var alice = await _s3.Bed.AddUserAsync("alice");
        var bytes = RandomNumberGenerator.GetBytes(50_000);
        var first = Assert.IsType<BlazorVault.Files.UploadResult.Stored>(await _s3.Bed.Files.UploadAsync(alice, "a.bin", null, new MemoryStream(bytes)));
        var key = S3BlobStore.KeyOf(first.File.Sha256);
        // The ledger, not the bucket, says the bytes are there: replace them to see whether they are written again.
        await _s3.Client.PutObjectAsync(new PutObjectRequest { BucketName = _s3.Bucket, Key = key, ContentBody = "marker", UseChunkEncoding = false });

        var second = Assert.IsType<BlazorVault.Files.UploadResult.Stored>(await _s3.Bed.Files.UploadAsync(alice, "b.bin", null, new MemoryStream(bytes)));

        Assert.Equal(first.File.Sha256, second.File.Sha256);
        Assert.Equal(6, (await _s3.StoredAsync(key)).Length);
    }

    [Theory]
    [InlineData(1000L)]
    [InlineData(MultipartLength)]
    public async Task Write_ExactlyAtTheLimit_Succeeds_OneByteOver_ThrowsAndLeavesNothing(long limit)
    {
        await Assert.ThrowsAsync<BlobTooLargeException>(() => WriteAsync(new GeneratedStream(limit + 1), limit));
        Assert.Empty(await _s3.KeysAsync());

        await using var blob = await WriteAsync(new GeneratedStream(limit), limit);
        Assert.Equal(limit, (await _s3.StoredAsync(S3BlobStore.KeyOf(blob.Sha256))).Length);
    }

    [Fact]
    public async Task Write_WhenTheSourceFailsAfterAPart_LeavesNothing()
    {
        await Assert.ThrowsAsync<IOException>(() => WriteAsync(GeneratedStream.FailingAfter(MultipartLength)));

        Assert.Empty(await _s3.KeysAsync());
    }

    [Fact]
    public async Task StagedButNeverPlaced_LeavesNothing()
    {
        await using (await Blobs.StageAsync(new GeneratedStream(MultipartLength), long.MaxValue, null, default))
        {
            Assert.Single(await _s3.KeysAsync(S3BlobStore.ScratchPrefix));
        }

        Assert.Empty(await _s3.KeysAsync());
    }

    [Theory]
    [InlineData(0L, 1L)]
    [InlineData(0L, 100L)]
    [InlineData(12_345L, 12_346L)]
    [InlineData(99L, 300_000L)]
    [InlineData(299_999L, 300_000L)]
    public async Task OpenRead_SeekAndRead_ReturnsExactlyTheRange(long from, long to)
    {
        await using var blob = await WriteAsync(new GeneratedStream(300_000));
        await using var stream = (await Blobs.OpenReadAsync(blob.Sha256, default))!;
        ((IBoundedRead)stream).StopAt(to);

        stream.Seek(from, SeekOrigin.Begin);
        var read = new byte[to - from];
        await stream.ReadExactlyAsync(read);

        Assert.Equal(300_000, stream.Length);
        Assert.Equal(GeneratedSlice.Of(from, to).ToArray(), read);
    }

    [Fact]
    public async Task OpenRead_PastWhereTheReaderSaidItWouldStop_StillReadsOnCorrectly()
    {
        await using var blob = await WriteAsync(new GeneratedStream(100_000));
        await using var stream = (await Blobs.OpenReadAsync(blob.Sha256, default))!;
        ((IBoundedRead)stream).StopAt(10);
        stream.Seek(5, SeekOrigin.Begin);

        var rest = new MemoryStream();
        await stream.CopyToAsync(rest);

        Assert.Equal(GeneratedSlice.Of(5, 100_000).ToArray(), rest.ToArray());
    }

    [Fact]
    public async Task OpenRead_OfAMissingOrMalformedHash_IsNull()
    {
        Assert.Null(await Blobs.OpenReadAsync(new string('a', 64), default));
        Assert.Null(await Blobs.OpenReadAsync("../x", default));
    }

    [Fact]
    public async Task Delete_RemovesTheObject_ThenAnswersFalse_AndListShowsWhatIsThere()
    {
        await using var kept = await WriteAsync(new MemoryStream([1, 2, 3]));
        await using var gone = await WriteAsync(new MemoryStream([4, 5, 6]));

        Assert.True(await Blobs.DeleteAsync(gone.Sha256, default));
        Assert.False(await Blobs.DeleteAsync(gone.Sha256, default));

        Assert.Null(await Blobs.OpenReadAsync(gone.Sha256, default));
        Assert.Equal([kept.Sha256], await Blobs.ListAsync(default).ToListAsync());
    }

    [Fact]
    public async Task SweepScratch_RemovesTheObjectsOfInstancesThatAreGone_Only()
    {
        foreach (var key in (string[])["tmp/dead/a", "tmp/dead/b", "tmp/alive/c"])
        {
            await _s3.Client.PutObjectAsync(new PutObjectRequest { BucketName = _s3.Bucket, Key = key, ContentBody = "x", UseChunkEncoding = false });
        }

        var removed = await Blobs.SweepScratchAsync(new HashSet<string> { "alive" }, default);

        Assert.Equal(2, removed);
        Assert.Equal(["tmp/alive/c"], await _s3.KeysAsync());
    }

    [Fact]
    public async Task LedgerSweep_RemovesObjectsNoRowKnows_AndTheCheckFindsFilesWithoutBytes()
    {
        var alice = await _s3.Bed.AddUserAsync("alice");
        var stored = Assert.IsType<BlazorVault.Files.UploadResult.Stored>(await _s3.Bed.Files.UploadAsync(alice, "kept.bin", null, new MemoryStream([7, 7, 7])));
        await using (await WriteAsync(new MemoryStream([9, 9, 9])))
        {
        }

        var removed = await _s3.Bed.Ledger.SweepAsync(default);

        Assert.Equal(1, removed);
        Assert.Equal([S3BlobStore.KeyOf(stored.File.Sha256)], await _s3.KeysAsync());
        Assert.True((await _s3.Bed.Services.GetRequiredService<ConsistencyCheck>().RunAsync(repair: false, default)).IsConsistent);

        await _s3.Client.DeleteObjectAsync(_s3.Bucket, S3BlobStore.KeyOf(stored.File.Sha256));
        var report = await _s3.Bed.Services.GetRequiredService<ConsistencyCheck>().RunAsync(repair: false, default);
        Assert.Equal([stored.File.Sha256], report.MissingBytes);
    }
}
