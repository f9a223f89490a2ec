using System.Text;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Files.Thumbnails;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BlazorVault.Tests.Files.Thumbnails;

/// <summary>
/// Thumbnails from upload to removal: queued by the upload, made by a worker holding the row's lease,
/// shared by identical files, refused for what is not a plain raster image or is over a limit, and gone
/// with the last file of that content.
/// </summary>
public abstract class ThumbnailQueueTests(DatabaseProvider provider) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private FilesTestBed _bed = null!;
    private string _alice = null!;

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async ValueTask InitializeAsync()
    {
        _bed = await FilesTestBed.CreateAsync(maxUploadBytes: 8 * 1024 * 1024, clock: _clock, settings: Settings, provider: provider);
        _alice = await _bed.AddUserAsync("alice");
    }

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    private ThumbnailQueue Queue => _bed.Services.GetRequiredService<ThumbnailQueue>();

    private ThumbnailWorker Worker => _bed.Services.GetRequiredService<ThumbnailWorker>();

    private async Task<FileItem> UploadAsync(string name, byte[] bytes, string contentType = "application/octet-stream") =>
        Assert.IsType<UploadResult.Stored>(await _bed.Files.UploadAsync(_alice, name, contentType, new MemoryStream(bytes))).File;

    private async Task<Thumbnail?> RowAsync(string sha256)
    {
        await using var db = await _bed.Db.CreateDbContextAsync();
        return await db.Thumbnails.AsNoTracking().SingleOrDefaultAsync(t => t.Sha256 == sha256);
    }

    /// <summary>What the hosted worker does in a loop, once, here on the test's thread.</summary>
    private async Task<string?> WorkOnceAsync()
    {
        var sha256 = await Queue.ClaimAsync(default);
        if (sha256 is not null)
        {
            await Worker.MakeAsync(sha256, default);
        }

        return sha256;
    }

    [Fact]
    public async Task UploadingAPhoto_QueuesIt_AndTheWorkerMakesBothSizesUprightAndWithoutMetadata()
    {
        var photo = await UploadAsync("holiday.jpg", TestImages.SidewaysJpeg(), "image/jpeg");
        Assert.Equal(ThumbnailState.Pending, (await RowAsync(photo.Sha256))?.State);

        Assert.Equal(photo.Sha256, await WorkOnceAsync());

        var row = (await RowAsync(photo.Sha256))!;
        Assert.Equal(ThumbnailState.Ready, row.State);
        var grid = TestImages.Read(row.Grid!);
        var list = TestImages.Read(row.List!);
        // 600 × 400 turned by its EXIF orientation: portrait, never enlarged past the source.
        Assert.Equal((320, 480), (grid.Width, grid.Height));
        Assert.Equal((85, 128), (list.Width, list.Height));
        Assert.Equal("RIFF", Encoding.ASCII.GetString(row.Grid!, 0, 4));
        Assert.DoesNotContain(grid.Fields, f => f.StartsWith("exif", StringComparison.Ordinal) || f == "orientation" || f.StartsWith("icc", StringComparison.Ordinal));
        Assert.Null(await WorkOnceAsync());
    }

    [Fact]
    public async Task IdenticalFiles_ShareOneThumbnail_WhichGoesWithTheLastOfThem()
    {
        var bytes = TestImages.Png(300, 200);
        var first = await UploadAsync("a.png", bytes, "image/png");
        var second = await UploadAsync("b.png", bytes, "image/png");
        await WorkOnceAsync();
        Assert.Null(await WorkOnceAsync());

        Assert.True(await _bed.Files.DeleteForeverAsync(_alice, first.Id));
        Assert.Equal(ThumbnailState.Ready, (await RowAsync(second.Sha256))?.State);

        Assert.True(await _bed.Files.DeleteForeverAsync(_alice, second.Id));
        Assert.Null(await RowAsync(second.Sha256));
    }

    [Fact]
    public async Task OnlyFilesThatMayBeImages_AreQueued()
    {
        var text = await UploadAsync("notes.txt", "hello"u8.ToArray(), "text/plain");

        Assert.Null(await RowAsync(text.Sha256));
    }

    [Theory]
    [InlineData("not-really.png", "This is plain text pretending to be a PNG.")]
    [InlineData("drawing.png", "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10' onload='alert(1)'><rect width='10' height='10'/></svg>")]
    [InlineData("page.jpg", "<!doctype html><script>alert(1)</script>")]
    public async Task ContentThatIsNotAPlainRasterImage_GetsAnIcon(string name, string content)
    {
        var file = await UploadAsync(name, Encoding.UTF8.GetBytes(content), "image/png");

        await WorkOnceAsync();

        var row = (await RowAsync(file.Sha256))!;
        Assert.Equal(ThumbnailState.Failed, row.State);
        Assert.Null(row.Grid);
        Assert.False(string.IsNullOrEmpty(row.Error));
    }

    [Fact]
    public async Task AWorkerThatDied_LeavesTheRowToAnother_OnceItsLeaseIsOver_AndAfterThreeSuchTriesItGetsAnIcon()
    {
        var photo = await UploadAsync("p.png", TestImages.Png(40, 40), "image/png");

        Assert.Equal(photo.Sha256, await Queue.ClaimAsync(default));
        Assert.Null(await Queue.ClaimAsync(default));
        for (var attempt = 2; attempt <= 3; attempt++)
        {
            _clock.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(photo.Sha256, await Queue.ClaimAsync(default));
        }

        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(await Queue.ClaimAsync(default));
        var row = (await RowAsync(photo.Sha256))!;
        Assert.Equal((ThumbnailState.Failed, 3), (row.State, row.Attempts));
    }

    [Fact]
    public async Task ParallelWorkers_NeverTakeTheSameRow()
    {
        for (var i = 0; i < 6; i++)
        {
            await UploadAsync($"p{i}.png", TestImages.Png(20 + i, 20), "image/png");
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => Queue.ClaimAsync(default))));

        var taken = claims.OfType<string>().ToList();
        Assert.Equal(taken.Count, taken.Distinct().Count());
        Assert.True(taken.Count is > 0 and <= 6);
    }

    [Fact]
    public async Task ARowAskedForJustAsItsBlobWent_IsSweptAway()
    {
        var photo = await UploadAsync("p.png", TestImages.Png(30, 30), "image/png");
        await using (var db = await _bed.Db.CreateDbContextAsync())
        {
            await db.Blobs.Where(b => b.Sha256 == photo.Sha256).ExecuteDeleteAsync();
        }

        Assert.Equal(1, await Queue.SweepOrphansAsync(default));
        Assert.Null(await RowAsync(photo.Sha256));
    }

    [Fact]
    public async Task AWatchedPage_AsksForOlderFilesThumbnails_AndSaysWhenOneAppears()
    {
        var photo = await UploadAsync("old.png", TestImages.Png(30, 20), "image/png");
        var text = await UploadAsync("notes.txt", "x"u8.ToArray(), "text/plain");
        // As if it had been stored before thumbnails existed.
        await using (var db = await _bed.Db.CreateDbContextAsync())
        {
            await db.Thumbnails.ExecuteDeleteAsync();
        }

        using var watch = new ThumbnailWatch(Queue, _clock);
        var appeared = new TaskCompletionSource();
        await watch.WatchAsync([photo, text], () => { appeared.TrySetResult(); return Task.CompletedTask; });

        Assert.False(watch.IsReady(photo));
        Assert.Equal(ThumbnailState.Pending, (await RowAsync(photo.Sha256))?.State);
        Assert.Null(await RowAsync(text.Sha256));
        Assert.Equal(photo.Sha256, await WorkOnceAsync());
        _clock.Advance(TimeSpan.FromSeconds(2));
        await appeared.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(watch.IsReady(photo));
        Assert.False(watch.IsReady(text));
    }

    public sealed class OnSqlite() : ThumbnailQueueTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : ThumbnailQueueTests(DatabaseProvider.PostgreSql);
}

/// <summary>The limits against decompression bombs and slow files, each set low enough to trip on a small image.</summary>
public sealed class ThumbnailLimitTests : IAsyncLifetime
{
    private FilesTestBed _bed = null!;
    private string _alice = null!;

    public async ValueTask InitializeAsync()
    {
        _bed = await FilesTestBed.CreateAsync(maxUploadBytes: 8 * 1024 * 1024, settings: new Dictionary<string, string?>
        {
            ["Vault:Thumbnails:MaxPixels"] = "10000",
            ["Vault:Thumbnails:MaxSourceBytes"] = "200000",
        });
        _alice = await _bed.AddUserAsync("alice");
    }

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    private async Task<Thumbnail> MakeAsync(byte[] bytes)
    {
        var file = Assert.IsType<UploadResult.Stored>(await _bed.Files.UploadAsync(_alice, "big.png", "image/png", new MemoryStream(bytes))).File;
        var queue = _bed.Services.GetRequiredService<ThumbnailQueue>();
        Assert.Equal(file.Sha256, await queue.ClaimAsync(default));
        await _bed.Services.GetRequiredService<ThumbnailWorker>().MakeAsync(file.Sha256, default);
        await using var db = await _bed.Db.CreateDbContextAsync();
        return await db.Thumbnails.AsNoTracking().SingleAsync(t => t.Sha256 == file.Sha256);
    }

    [Fact]
    public async Task AnImageWithMorePixelsThanTheLimit_IsNotDecoded()
    {
        var row = await MakeAsync(TestImages.Png(101, 100));

        Assert.Equal(ThumbnailState.Failed, row.State);
        Assert.Contains("101 × 100 pixels", row.Error);
    }

    [Fact]
    public async Task AFileLargerThanTheSourceLimit_IsNotRead()
    {
        var row = await MakeAsync([.. TestImages.Png(50, 50), .. new byte[200_000]]);

        Assert.Equal(ThumbnailState.Failed, row.State);
        Assert.Contains("limit 200000", row.Error);
    }

    [Fact]
    public async Task MakingIsStoppedAtTheTimeLimit()
    {
        var options = new ThumbnailOptions { TimeLimit = TimeSpan.FromTicks(1) };
        var bytes = TestImages.Png(90, 90);

        var refused = await Assert.ThrowsAsync<ThumbnailRefusedException>(() =>
            ThumbnailMaker.MakeAsync(async token => { await Task.Delay(50, CancellationToken.None); return new MemoryStream(bytes); }, options, default));

        Assert.Contains("time limit", refused.Message);
    }
}
