namespace BlazorVault.Storage;

/// <summary>
/// Gets a file's bytes onto the disk while more of them are still arriving. Every
/// <see cref="StepBytes"/> appended, it starts an fsync of what is written so far on a second handle
/// (one at a time, on the thread pool), so that the fsync a writer needs before it answers waits only
/// for the tail, not for the whole file: the disk writes while the network delivers. Without it, a
/// 1 GiB upload first fills the page cache and then waits seconds for one final fsync.
/// </summary>
/// <remarks>fsync is per file, not per handle, so a second handle flushes what the writer's wrote.</remarks>
internal sealed class WriteBehind : IAsyncDisposable
{
    public const long StepBytes = 16 * 1024 * 1024;

    private readonly string _path;
    private FileStream? _syncHandle;
    private Task _pending = Task.CompletedTask;
    private long _unflushed;

    public WriteBehind(string path) => _path = path;

    /// <summary>Counts <paramref name="bytes"/> just written; starts a background fsync when a step is full and none is running.</summary>
    public void Wrote(int bytes)
    {
        _unflushed += bytes;
        if (_unflushed < StepBytes || !_pending.IsCompleted)
        {
            return;
        }

        _unflushed = 0;
        _syncHandle ??= new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        var handle = _syncHandle;
        _pending = Task.Run(() => handle.Flush(flushToDisk: true));
    }

    /// <summary>Makes everything written through <paramref name="file"/> durable: waits for the background fsync, then fsyncs the tail.</summary>
    public async Task FlushAsync(FileStream file)
    {
        ArgumentNullException.ThrowIfNull(file);
        await _pending;
        file.Flush(flushToDisk: true);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _pending;
        }
        catch (IOException)
        {
            // Only after a write that failed anyway: FlushAsync reports errors on the way that counts.
        }

        if (_syncHandle is not null)
        {
            await _syncHandle.DisposeAsync();
        }
    }
}
