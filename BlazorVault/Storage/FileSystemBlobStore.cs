using System.Buffers;
using System.Security.Cryptography;
using BlazorVault.Data;

namespace BlazorVault.Storage;

/// <summary>
/// Blobs as files: <c>blobs/ab/cd/&lt;sha256&gt;</c> under the data directory, written through
/// <c>tmp/</c> on the same file system so that the final rename is atomic.
/// </summary>
/// <remarks>
/// Races between writers and deleters are settled under one short lock: a writer registers its hash
/// as in flight and touches the blob's modification time when it reuses or releases it; a deleter
/// removes a blob only if it is not in flight and was not touched since the deleter looked for
/// references. So a row is never committed for a blob that a concurrent delete removes.
/// </remarks>
public sealed class FileSystemBlobStore : IBlobStore
{
    private const int BufferSize = 1024 * 1024;

    private readonly string _blobRoot;
    private readonly string _tempRoot;
    private readonly string _resumableRoot;
    private readonly ILogger<FileSystemBlobStore> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly HashSet<string> _activeTemps = new(StringComparer.Ordinal);

    public FileSystemBlobStore(VaultPaths paths, ILogger<FileSystemBlobStore> logger)
    {
        _blobRoot = paths.SubDirectory("blobs");
        _tempRoot = paths.SubDirectory("tmp");
        // Below tmp/ (same file system, atomic rename) but in a folder of its own, which the sweep does
        // not enter: resumable uploads live for hours across requests and restarts.
        _resumableRoot = paths.SubDirectory(Path.Combine("tmp", "resumable"));
        _logger = logger;
    }

    public async Task<StagedBlob> WriteAsync(Stream content, long maxBytes, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var temp = Path.Combine(_tempRoot, Guid.NewGuid().ToString("N") + ".upload");
        lock (_gate)
        {
            _activeTemps.Add(temp);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long length = 0;
            byte[] hash;
            using (var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous))
            await using (var writeBehind = new WriteBehind(temp))
            {
                int read;
                while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
                {
                    length += read;
                    if (length > maxBytes)
                    {
                        throw new BlobTooLargeException(maxBytes);
                    }

                    hasher.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    writeBehind.Wrote(read);
                    progress?.Report(length);
                }

                await writeBehind.FlushAsync(file);
                hash = hasher.GetHashAndReset();
            }

            return Promote(temp, Convert.ToHexStringLower(hash), length);
        }
        catch
        {
            DeleteQuietly(temp);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            lock (_gate)
            {
                _activeTemps.Remove(temp);
            }
        }
    }

    public IResumableBlob OpenResumable(string id) => new ResumableFile(this, id, ResumablePath(id));

    public bool DeleteResumable(string id)
    {
        var path = ResumablePath(id);
        return File.Exists(path) && DeleteQuietly(path);
    }

    public IReadOnlyCollection<string> ListResumable() =>
        Directory.EnumerateFiles(_resumableRoot).Select(Path.GetFileName).OfType<string>().Where(IsResumableId).ToList();

    public Stream? OpenRead(string sha256)
    {
        if (!IsHash(sha256))
        {
            return null;
        }

        try
        {
            return new FileStream(BlobPath(sha256), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public string? GetPhysicalPath(string sha256) => IsHash(sha256) ? BlobPath(sha256) : null;

    public Task<bool> DeleteIfUnusedAsync(string sha256, DateTime unreferencedSince, CancellationToken cancellationToken)
    {
        if (!IsHash(sha256))
        {
            return Task.FromResult(false);
        }

        var path = BlobPath(sha256);
        lock (_gate)
        {
            if (_inFlight.ContainsKey(sha256) || !File.Exists(path) || File.GetLastWriteTimeUtc(path) > unreferencedSince)
            {
                return Task.FromResult(false);
            }

            File.Delete(path);
        }

        _logger.LogDebug("Deleted unreferenced blob {Sha256}", sha256);
        return Task.FromResult(true);
    }

    public async Task<int> SweepAsync(Func<IReadOnlyCollection<string>, CancellationToken, Task<IReadOnlySet<string>>> findReferenced, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(findReferenced);
        var removed = 0;
        foreach (var temp in Directory.EnumerateFiles(_tempRoot))
        {
            bool active;
            lock (_gate)
            {
                active = _activeTemps.Contains(temp);
            }

            if (!active && DeleteQuietly(temp))
            {
                removed++;
            }
        }

        foreach (var batch in Directory.EnumerateFiles(_blobRoot, "*", SearchOption.AllDirectories)
                     .Select(Path.GetFileName)
                     .OfType<string>()
                     .Where(IsHash)
                     .Chunk(500))
        {
            var lookedAt = DateTime.UtcNow;
            var referenced = await findReferenced(batch, cancellationToken);
            foreach (var sha256 in batch.Where(h => !referenced.Contains(h)))
            {
                if (await DeleteIfUnusedAsync(sha256, lookedAt, cancellationToken))
                {
                    removed++;
                }
            }
        }

        return removed;
    }

    /// <summary>Moves a complete, fsynced temporary file to its content address and protects it until released.</summary>
    private StagedBlob Promote(string temp, string sha256, long length)
    {
        var target = BlobPath(sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        lock (_gate)
        {
            if (File.Exists(target))
            {
                // Identical content is stored once; the touch tells deleters it is wanted again.
                File.Delete(temp);
                File.SetLastWriteTimeUtc(target, DateTime.UtcNow);
            }
            else
            {
                File.Move(temp, target);
            }

            // Protected only once the blob is in place, so a failed rename leaves no count behind.
            _inFlight[sha256] = _inFlight.GetValueOrDefault(sha256) + 1;
            _activeTemps.Remove(temp);
        }

        return new StagedBlob(sha256, length, () => Release(sha256));
    }

    private string ResumablePath(string id) =>
        IsResumableId(id) ? Path.Combine(_resumableRoot, id) : throw new ArgumentException("Not a valid resumable blob id.", nameof(id));

    private static bool IsResumableId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private void Release(string sha256)
    {
        lock (_gate)
        {
            var count = _inFlight.GetValueOrDefault(sha256) - 1;
            if (count > 0)
            {
                _inFlight[sha256] = count;
            }
            else
            {
                _inFlight.Remove(sha256);
            }

            // A deleter that looked for references before the row was committed must not delete now.
            var path = BlobPath(sha256);
            if (File.Exists(path))
            {
                File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            }
        }
    }

    private string BlobPath(string sha256) => Path.Combine(_blobRoot, sha256[..2], sha256[2..4], sha256);

    private static bool IsHash(string value) =>
        value.Length == 64 && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private bool DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException e)
        {
            _logger.LogWarning(e, "Could not delete {Path}", path);
            return false;
        }
    }

    private sealed class ResumableFile : IResumableBlob
    {
        private readonly FileSystemBlobStore _store;
        private readonly string _path;

        // Covers exactly the first _length bytes of the file; null when they must be hashed again
        // (a fresh instance after a restart, or after a truncation).
        private IncrementalHash? _hash;
        private long _length;

        public ResumableFile(FileSystemBlobStore store, string id, string path)
        {
            _store = store;
            _path = path;
            Id = id;
            using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
            _length = file.Length;
        }

        public string Id { get; }

        public long Length => _length;

        public async Task AppendAsync(Stream content, long maxLength, IncrementalHash? chunkHash, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(content);
            var hash = await EnsureHashedAsync(cancellationToken);
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                await using var file = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
                await using var writeBehind = new WriteBehind(_path);
                if (file.Length != _length)
                {
                    // The tail of a write that failed half-way: never counted, so never kept.
                    file.SetLength(_length);
                }

                file.Position = _length;
                try
                {
                    int read;
                    while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
                    {
                        if (_length + read > maxLength)
                        {
                            throw new BlobTooLargeException(maxLength);
                        }

                        // Counted only once written, so a failed write leaves hash and length consistent.
                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                        writeBehind.Wrote(read);
                        hash.AppendData(buffer, 0, read);
                        chunkHash?.AppendData(buffer, 0, read);
                        _length += read;
                    }
                }
                finally
                {
                    // The offset we report must survive a crash, also when the client went away mid-request.
                    await writeBehind.FlushAsync(file);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        public void Truncate(long length)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            if (length >= _length)
            {
                return;
            }

            using (var file = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.Read))
            {
                file.SetLength(length);
                file.Flush(flushToDisk: true);
            }

            _length = length;
            _hash?.Dispose();
            _hash = null;
        }

        public async Task<StagedBlob> CompleteAsync(CancellationToken cancellationToken)
        {
            var hash = await EnsureHashedAsync(cancellationToken);
            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            _hash = null;
            hash.Dispose();
            return _store.Promote(_path, sha256, _length);
        }

        public void Dispose()
        {
            _hash?.Dispose();
            _hash = null;
        }

        private async Task<IncrementalHash> EnsureHashedAsync(CancellationToken cancellationToken)
        {
            if (_hash is not null)
            {
                return _hash;
            }

            var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                await using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
                for (long done = 0; done < _length;)
                {
                    var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(BufferSize, _length - done)), cancellationToken);
                    if (read == 0)
                    {
                        throw new IOException($"The staged file {Id} is shorter than its recorded length.");
                    }

                    hash.AppendData(buffer, 0, read);
                    done += read;
                }
            }
            catch
            {
                hash.Dispose();
                throw;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return _hash = hash;
        }
    }
}
