using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using BlazorVault.Data;

namespace BlazorVault.Storage;

/// <summary>
/// Resumable blobs as append files in <c>tmp/resumable/</c> (same file system as the blobs, so that
/// completing one is a rename). The running SHA-256 of an upload is cached in this process between its
/// requests, tagged with the stamp under which its offset was recorded: it is used only when the
/// database says the upload is exactly where this process left it, and re-read from the bytes otherwise.
/// </summary>
public sealed class FileSystemResumableStaging : IResumableStaging
{
    public const string FolderName = "resumable";

    private readonly FileSystemBlobStore _store;
    private readonly string _root;
    private readonly ConcurrentDictionary<string, CachedHash> _hashes = new(StringComparer.Ordinal);

    public FileSystemResumableStaging(VaultPaths paths, FileSystemBlobStore store)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _store = store;
        _root = paths.SubDirectory(Path.Combine("tmp", FolderName));
    }

    public Task<IResumableBlob> OpenAsync(string id, long acknowledged, string? stamp, CancellationToken cancellationToken)
    {
        var path = PathOf(id);
        long found;
        using (var file = new FileStream(path, HashingWriter.PrivateCreate(FileMode.OpenOrCreate)))
        {
            found = file.Length;
            if (found > acknowledged)
            {
                // Bytes of a request whose offset was never recorded (a crash, a lost lease): never acknowledged, so never kept.
                file.SetLength(acknowledged);
                file.Flush(flushToDisk: true);
            }
        }

        if (found < acknowledged)
        {
            throw new StagingLostException(id, found, acknowledged);
        }

        IncrementalHash? hash = null;
        if (_hashes.TryRemove(id, out var cached))
        {
            if (stamp is not null && cached.Stamp == stamp && cached.Length == acknowledged)
            {
                hash = cached.Hash;
            }
            else
            {
                cached.Hash.Dispose();
            }
        }

        return Task.FromResult<IResumableBlob>(new ResumableFile(this, id, path, acknowledged, hash));
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (_hashes.TryRemove(id, out var cached))
        {
            cached.Hash.Dispose();
        }

        var path = PathOf(id);
        return Task.FromResult(File.Exists(path) && _store.DeleteQuietly(path));
    }

    public async IAsyncEnumerable<string> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var path in Directory.EnumerateFiles(_root))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Path.GetFileName(path) is { } name && IsId(name))
            {
                yield return name;
            }
        }
    }

    private string PathOf(string id) =>
        IsId(id) ? Path.Combine(_root, id) : throw new ArgumentException("Not a valid resumable blob id.", nameof(id));

    private static bool IsId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private sealed record CachedHash(long Length, string Stamp, IncrementalHash Hash);

    private sealed class ResumableFile(FileSystemResumableStaging staging, string id, string path, long length, IncrementalHash? hash)
        : IResumableBlob
    {
        // Covers exactly the first Length bytes; null when they must be hashed again.
        private IncrementalHash? _hash = hash;
        private HashingWriter? _writing;

        public string Id { get; } = id;

        public long Length { get; private set; } = length;

        public async Task AppendAsync(Stream content, long maxLength, IncrementalHash? chunkHash, CancellationToken cancellationToken)
        {
            var running = await EnsureHashedAsync(cancellationToken);
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
            file.Position = Length;
            await using var writer = new HashingWriter(file, path);
            Volatile.Write(ref _writing, writer);
            try
            {
                await writer.CopyAsync(content, maxLength, running, chunkHash, null, cancellationToken);
            }
            finally
            {
                Volatile.Write(ref _writing, null);
                // The offset we report must survive a crash, also when the client went away mid-request.
                Length = writer.Length;
                await writer.FlushAsync();
            }
        }

        public async Task<long> SyncAsync(CancellationToken cancellationToken)
        {
            // Taken before the fsync: every byte counted in it was written before the fsync began.
            var length = Volatile.Read(ref _writing)?.Length ?? Length;
            // fsync is per file, not per handle: a second handle makes the writer's bytes durable.
            await using var handle = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            await Task.Run(() => handle.Flush(flushToDisk: true), cancellationToken);
            return length;
        }

        public Task TruncateAsync(long length, CancellationToken cancellationToken)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            if (length < Length)
            {
                using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read))
                {
                    file.SetLength(length);
                    file.Flush(flushToDisk: true);
                }

                Length = length;
                _hash?.Dispose();
                _hash = null;
            }

            return Task.CompletedTask;
        }

        public async Task<StagedContent> CompleteAsync(CancellationToken cancellationToken)
        {
            var running = await EnsureHashedAsync(cancellationToken);
            var sha256 = Convert.ToHexStringLower(running.GetHashAndReset());
            running.Dispose();
            _hash = null;
            // Not deleted when never placed: the upload's row still owns these bytes, and its expiry removes them.
            return new FileSystemBlobStore.StagedFile(staging._store, path, sha256, Length, deleteUnplaced: false);
        }

        public void Remember(string stamp)
        {
            if (_hash is { } running)
            {
                _hash = null;
                var entry = new CachedHash(Length, stamp, running);
                staging._hashes.AddOrUpdate(Id, entry, (_, old) =>
                {
                    old.Hash.Dispose();
                    return entry;
                });
            }
        }

        public ValueTask DisposeAsync()
        {
            _hash?.Dispose();
            _hash = null;
            return ValueTask.CompletedTask;
        }

        private async Task<IncrementalHash> EnsureHashedAsync(CancellationToken cancellationToken) =>
            _hash ??= await HashingWriter.HashPrefixAsync(path, Length, cancellationToken);
    }
}
