using BlazorVault.Storage;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Storage;

/// <summary>
/// <see cref="S3ResumableStaging"/> against the test S3 server: pieces that cross the 8 MiB part size,
/// resuming without this process's cached hash (another instance), requests that break off or are refused.
/// </summary>
public sealed class S3ResumableStagingTests(S3Server s3) : IAsyncLifetime
{
    private const long MiB = 1024 * 1024;
    private const long Total = 19 * MiB + 4321;

    private S3StoreTestBed _s3 = null!;

    private IResumableStaging Staging => _s3.Bed.Staging;

    public async ValueTask InitializeAsync() => _s3 = await S3StoreTestBed.CreateAsync(s3, nameof(S3ResumableStagingTests));

    public async ValueTask DisposeAsync()
    {
        if (_s3 is not null)
        {
            await _s3.DisposeAsync();
        }
    }

    [Fact]
    public void TheStagingIsTheBucket() => Assert.IsType<S3ResumableStaging>(Staging);

    /// <summary>Appends bytes from..to of the content in one request and returns the new length; remembers the hash when <paramref name="stamp"/> is given.</summary>
    private async Task<long> AppendAsync(string id, long from, long to, string? stamp, string? openStamp = null)
    {
        await using var blob = await Staging.OpenAsync(id, from, openStamp, default);
        Assert.Equal(from, blob.Length);
        await blob.AppendAsync(GeneratedSlice.Of(from, to), Total, null, default);
        Assert.Equal(to, blob.Length);
        Assert.Equal(to, await blob.SyncAsync(default));
        if (stamp is not null)
        {
            blob.Remember(stamp);
        }

        return blob.Length;
    }

    private async Task CompleteAndCheckAsync(string id, long length)
    {
        await using (var blob = await Staging.OpenAsync(id, length, null, default))
        {
            await using var staged = await blob.CompleteAsync(default);
            Assert.Equal((GeneratedStream.Sha256Of(length), length), (staged.Sha256, staged.Length));
            await staged.PlaceAsync(default);
        }

        Assert.Equal((GeneratedStream.Sha256Of(length), length), await _s3.StoredAsync(S3BlobStore.KeyOf(GeneratedStream.Sha256Of(length))));
        // Placed: nothing of the staging is left, in the bucket or in the database.
        Assert.Equal([S3BlobStore.KeyOf(GeneratedStream.Sha256Of(length))], await _s3.KeysAsync());
        Assert.Empty(await Staging.ListAsync(default).ToListAsync());
    }

    [Fact]
    public async Task Pieces_AcrossPartBoundaries_WithTheCachedHash_CompleteToTheExactBytes()
    {
        long at = 0;
        foreach (var (to, stamp) in new[] { (3 * MiB, "s1"), (11 * MiB, "s2"), (11 * MiB + 10, "s3"), (Total, "s4") })
        {
            at = await AppendAsync("cached", at, to, stamp, openStamp: at == 0 ? null : $"s{Array.IndexOf([0, 3 * MiB, 11 * MiB, 11 * MiB + 10], at)}");
        }

        await using (var blob = await Staging.OpenAsync("cached", Total, "s4", default))
        await using (var staged = await blob.CompleteAsync(default))
        {
            Assert.Equal(GeneratedStream.Sha256Of(Total), staged.Sha256);
            await staged.PlaceAsync(default);
        }

        Assert.Equal((GeneratedStream.Sha256Of(Total), Total), await _s3.StoredAsync(S3BlobStore.KeyOf(GeneratedStream.Sha256Of(Total))));
        Assert.Single(await _s3.KeysAsync());
    }

    [Fact]
    public async Task Pieces_ContinuedWithoutTheCachedHash_AsOnAnotherInstance_CompleteToTheExactBytes()
    {
        long at = 0;
        foreach (var to in new[] { 2 * MiB, 9 * MiB, Total })
        {
            at = await AppendAsync("uncached", at, to, stamp: null);
        }

        await CompleteAndCheckAsync("uncached", Total);
    }

    [Fact]
    public async Task SmallUpload_StaysATailObject_AndCompletesToTheExactBytes()
    {
        await AppendAsync("small", 0, 1000, stamp: null);
        await AppendAsync("small", 1000, 5000, stamp: null);
        Assert.DoesNotContain(await _s3.KeysAsync(), key => key.EndsWith("/data", StringComparison.Ordinal));

        await CompleteAndCheckAsync("small", 5000);
    }

    [Fact]
    public async Task BrokenOffRequest_KeepsWhatArrived_AndTheUploadResumesFromThere()
    {
        long kept;
        await using (var blob = await Staging.OpenAsync("broken", 0, null, default))
        {
            await Assert.ThrowsAsync<IOException>(() => blob.AppendAsync(GeneratedStream.FailingAfter(10 * MiB + 77), Total, null, default));
            kept = blob.Length;
            Assert.InRange(kept, 10 * MiB + 77, Total - 1);
            Assert.Equal(kept, await blob.SyncAsync(default));
        }

        await AppendAsync("broken", kept, Total, stamp: null);
        await CompleteAndCheckAsync("broken", Total);
    }

    [Fact]
    public async Task RefusedRequest_CutBackToWhereItBegan_EvenAfterItFilledAPart()
    {
        await AppendAsync("refused", 0, 3 * MiB, "s1");
        await using (var blob = await Staging.OpenAsync("refused", 3 * MiB, "s1", default))
        {
            // A checksum mismatch: the request's bytes, a whole part's worth, must go.
            await blob.AppendAsync(new MemoryStream(new byte[9 * MiB]), Total, null, default);
            await blob.TruncateAsync(3 * MiB, default);
            Assert.Equal(3 * MiB, blob.Length);

            await blob.AppendAsync(GeneratedSlice.Of(3 * MiB, Total), Total, null, default);
            await using var staged = await blob.CompleteAsync(default);
            Assert.Equal(GeneratedStream.Sha256Of(Total), staged.Sha256);
        }
    }

    [Fact]
    public async Task Open_AtAnEarlierAcknowledgedOffset_DropsWhatWasNeverAcknowledged()
    {
        // The process died after staging 3 MiB..12 MiB but before recording that offset.
        await AppendAsync("crashed", 0, 3 * MiB, "s1");
        await AppendAsync("crashed", 3 * MiB, 12 * MiB, stamp: null, openStamp: "s1");

        await AppendAsync("crashed", 3 * MiB, Total, stamp: null);

        await CompleteAndCheckAsync("crashed", Total);
    }

    [Fact]
    public async Task Open_PastWhatIsStaged_ThrowsStagingLost_WithWhatThereIs()
    {
        await AppendAsync("lost", 0, 9 * MiB, stamp: null);

        var lost = await Assert.ThrowsAsync<StagingLostException>(() => Staging.OpenAsync("lost", 10 * MiB, null, default));

        Assert.Equal(9 * MiB, lost.Found);
    }

    [Fact]
    public async Task Append_PastTheMaximum_ThrowsBeforeTheLimit()
    {
        await using var blob = await Staging.OpenAsync("limit", 0, null, default);

        await Assert.ThrowsAsync<BlobTooLargeException>(() => blob.AppendAsync(new GeneratedStream(2000), 1500, null, default));

        Assert.InRange(blob.Length, 0, 1500);
    }

    [Fact]
    public async Task Delete_RemovesObjectsAndState_AndListForgetsTheId()
    {
        await AppendAsync("doomed", 0, 9 * MiB, stamp: null);
        await AppendAsync("kept", 0, 10, stamp: null);
        Assert.Equal(["doomed", "kept"], (await Staging.ListAsync(default).ToListAsync()).Order());

        Assert.True(await Staging.DeleteAsync("doomed", default));

        Assert.False(await Staging.DeleteAsync("doomed", default));
        Assert.Equal(["kept"], await Staging.ListAsync(default).ToListAsync());
        Assert.DoesNotContain(await _s3.KeysAsync(), key => key.Contains("doomed", StringComparison.Ordinal));
    }
}
