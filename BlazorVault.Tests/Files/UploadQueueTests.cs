using BlazorVault.Files;
using BlazorVault.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Time.Testing;

namespace BlazorVault.Tests.Files;

/// <summary>The queue on its own, fed by files whose bytes arrive only when the test says so.</summary>
public sealed class UploadQueueTests : BunitContext, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly VaultServices _vault;

    public UploadQueueTests()
    {
        _vault = VaultServices.Register(this);
    }

    private UploadQueue Queue => Services.GetRequiredService<UploadQueue>();

    public async ValueTask InitializeAsync() => await _vault.InitializeAsync();

    [Fact]
    public async Task Enqueue_WithSeveralFiles_UploadsOneAtATimeAndTheOthersWait()
    {
        var first = new GatedFile("first.bin", 1000);
        var second = new GatedFile("second.bin", 500);

        var run = Queue.EnqueueAsync(VaultServices.UserId, [first, second]);
        await first.FirstReadDone.WaitAsync(Wait);

        Assert.Equal([UploadState.Uploading, UploadState.Waiting], Queue.Items.Select(i => i.State));
        Assert.False(second.Opened);
        Assert.True(Queue.IsBusy);

        first.Release();
        second.Release();
        await run.WaitAsync(Wait);

        Assert.Equal([UploadState.Stored, UploadState.Stored], Queue.Items.Select(i => i.State));
        Assert.False(Queue.IsBusy);
        Assert.Equal(2, (await _vault.ListAsync()).Count);
    }

    [Fact]
    public async Task Cancel_WhileAFileUploads_StoresNothingAndTheNextFileStillUploads()
    {
        var slow = new GatedFile("slow.bin", 1000);
        var next = new GatedFile("next.bin", 300);
        next.Release();

        var run = Queue.EnqueueAsync(VaultServices.UserId, [slow, next]);
        await slow.FirstReadDone.WaitAsync(Wait);
        Queue.Cancel(Queue.Items[0]);
        await run.WaitAsync(Wait);

        Assert.Equal(UploadState.Cancelled, Queue.Items[0].State);
        Assert.Equal(UploadState.Stored, Queue.Items[1].State);
        Assert.Equal(["next.bin"], (await _vault.ListAsync()).Select(f => f.Name));
        Assert.Single(_vault.BlobFiles());
        Assert.Empty(Directory.GetFiles(Path.Combine(_vault.DataDirectory, "tmp")));
    }

    [Fact]
    public async Task Cancel_WhileAFileWaits_NeverReadsIt()
    {
        var first = new GatedFile("first.bin", 100);
        var waiting = new GatedFile("waiting.bin", 100);

        var run = Queue.EnqueueAsync(VaultServices.UserId, [first, waiting]);
        await first.FirstReadDone.WaitAsync(Wait);
        Queue.Cancel(Queue.Items[1]);
        first.Release();
        await run.WaitAsync(Wait);

        Assert.Equal([UploadState.Stored, UploadState.Cancelled], Queue.Items.Select(i => i.State));
        Assert.False(waiting.Opened);
        Assert.Equal(["first.bin"], (await _vault.ListAsync()).Select(f => f.Name));
    }

    [Fact]
    public async Task Enqueue_WhenTheNameIsUnusable_FailsThatFileWithoutReadingIt()
    {
        var nameless = new GatedFile("  ", 10);

        await Queue.EnqueueAsync(VaultServices.UserId, [nameless]).WaitAsync(Wait);

        var item = Assert.Single(Queue.Items);
        Assert.Equal(UploadState.Failed, item.State);
        Assert.Equal("This file name cannot be used.", item.Error);
        Assert.False(nameless.Opened);
        Assert.Empty(await _vault.ListAsync());
    }

    /// <summary>A browser file that hands out its first bytes at once and the rest after <see cref="Release"/>.</summary>
    [Fact]
    public void Speed_OfAResumedHttpUpload_CountsOnlyTheBytesSentInThisSession()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var item = new UploadItem(new GatedFile("big.bin", 200_000_000), clock);
        item.Start();
        item.UseHttp();

        // The first report is where the server already stood: 100 MB from before the reload.
        clock.Advance(TimeSpan.FromMilliseconds(300));
        item.ReportBytes(100_000_000);
        clock.Advance(TimeSpan.FromSeconds(2));
        item.ReportBytes(104_000_000);

        Assert.Equal(2_000_000, item.BytesPerSecond!.Value, 1);
    }

    [Fact]
    public void Speed_AfterAPause_LeavesOutTheTimeSpentPaused()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var item = new UploadItem(new GatedFile("big.bin", 200_000_000), clock);
        item.Start();
        item.UseHttp();
        item.ReportBytes(0);
        clock.Advance(TimeSpan.FromSeconds(1));
        item.ReportBytes(10_000_000);
        item.SetPaused(true);
        clock.Advance(TimeSpan.FromMinutes(5));

        item.SetPaused(false);
        item.ReportBytes(10_000_000);
        clock.Advance(TimeSpan.FromSeconds(1));
        item.ReportBytes(15_000_000);

        Assert.Equal(5_000_000, item.BytesPerSecond!.Value, 1);
    }

    [Theory]
    [InlineData(5_000_000, 4_990_000)]
    [InlineData(2140, 2100)]
    public void SizesApart_WhenTwoSizesWouldReadTheSame_ShowsExactBytes(long needs, long left)
    {
        var (first, second) = UploadQueue.SizesApart(needs, left);

        Assert.NotEqual(first, second);
        Assert.Equal(needs.ToString("N0", System.Globalization.CultureInfo.CurrentCulture) + " bytes", first);
        Assert.Equal(left.ToString("N0", System.Globalization.CultureInfo.CurrentCulture) + " bytes", second);
    }

    [Fact]
    public void SizesApart_WhenTheyReadDifferently_KeepsTheShortForm()
    {
        Assert.Equal((FileDisplay.Size(5_000_000), FileDisplay.Size(1_000)), UploadQueue.SizesApart(5_000_000, 1_000));
    }

    private sealed class GatedFile(string name, int size) : IBrowserFile
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _firstRead = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => name;

        public DateTimeOffset LastModified => DateTimeOffset.UnixEpoch;

        public long Size => size;

        public string ContentType => "application/octet-stream";

        public bool Opened { get; private set; }

        public Task FirstReadDone => _firstRead.Task;

        public void Release() => _gate.TrySetResult();

        public Stream OpenReadStream(long maxAllowedSize = 512000, CancellationToken cancellationToken = default)
        {
            Opened = true;
            return new GatedStream(this, cancellationToken);
        }

        private sealed class GatedStream(GatedFile file, CancellationToken openToken) : Stream
        {
            private long _position;

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => file.Size;

            public override long Position
            {
                get => _position;
                set => throw new NotSupportedException();
            }

            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                if (_position > 0)
                {
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, openToken);
                    await file._gate.Task.WaitAsync(linked.Token);
                }

                // Half the file first, the rest once released: the upload is visibly in flight in between.
                var count = (int)Math.Min(buffer.Length, _position == 0 ? file.Size / 2 : file.Size - _position);
                buffer.Span[..count].Fill((byte)(file.Name.Length + _position));
                _position += count;
                file._firstRead.TrySetResult();
                return count;
            }

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
