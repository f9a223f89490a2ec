using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Storage;

/// <summary>
/// Resumable blobs in the bucket, as tusd's s3store keeps them: one multipart upload per blob
/// (<c>resumable/&lt;id&gt;/data</c>) whose parts are at least 5 MiB, plus a small tail object
/// (<c>resumable/&lt;id&gt;/tail-&lt;random&gt;</c>) with the bytes after the last part, which the next
/// append reads back and sends on in front of its own bytes. Which parts and which tail make up the blob
/// is kept in the database (<see cref="S3StagingRecord"/>), never asked of the server (some cannot list
/// parts), so any instance can continue a blob another one began.
/// </summary>
/// <remarks>
/// A new tail always goes to a new key and the old one is removed only once the database points
/// elsewhere, so a crash never leaves the recorded state without its bytes. The running SHA-256 is cached
/// in this process as the file-system staging does; an instance that continues someone else's blob cannot
/// hash parts it cannot read, so it hashes the completed object once instead.
/// </remarks>
internal sealed class S3ResumableStaging(
    S3Bucket bucket,
    S3BlobStore store,
    IDbContextFactory<VaultDbContext> dbFactory,
    ILogger<S3ResumableStaging> logger) : IResumableStaging
{
    public const string Prefix = "resumable/";

    private readonly ConcurrentDictionary<string, CachedHash> _hashes = new(StringComparer.Ordinal);

    private S3Bucket Bucket => bucket;

    private S3BlobStore Store => store;

    private IDbContextFactory<VaultDbContext> DbFactory => dbFactory;

    private ILogger Logger => logger;

    public async Task<IResumableBlob> OpenAsync(string id, long acknowledged, string? stamp, CancellationToken cancellationToken)
    {
        CheckId(id);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "S3Stagings" ("Id", "TailOffset", "TailSize", "BaseTailOffset", "BaseTailSize", "Version")
                VALUES ({id}, 0, 0, 0, 0, 0) ON CONFLICT ("Id") DO NOTHING
                """,
                cancellationToken);
        }

        var (row, parts) = await LoadAsync(id, cancellationToken);
        if (row.CompletedLength is { } completed && completed != acknowledged)
        {
            // Complete, yet the upload's row says otherwise (a restored database): nothing of it can be trusted.
            await DeleteAsync(id, cancellationToken);
            throw new StagingLostException(id, 0, acknowledged);
        }

        if (row.CompletedLength is null)
        {
            parts = await CutBackAsync(row, parts, acknowledged, cancellationToken);
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

        if (acknowledged == 0)
        {
            hash?.Dispose();
            hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }

        return new ResumableObject(this, row, parts, acknowledged, hash);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        CheckId(id);
        if (_hashes.TryRemove(id, out var cached))
        {
            cached.Hash.Dispose();
        }

        var (row, _) = await TryLoadAsync(id, cancellationToken);
        if (row?.MultipartUploadId is { } uploadId)
        {
            await bucket.AbortMultipartQuietlyAsync(DataKey(id), uploadId, logger);
        }

        var keys = new List<string>();
        await foreach (var key in bucket.ListAsync($"{Prefix}{id}/", cancellationToken))
        {
            keys.Add(key);
        }

        await bucket.DeleteManyAsync(keys, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await db.Set<S3StagingPart>().Where(p => p.StagingId == id).ExecuteDeleteAsync(CancellationToken.None);
        await db.Set<S3StagingRecord>().Where(s => s.Id == id).ExecuteDeleteAsync(CancellationToken.None);
        return row is not null || keys.Count > 0;
    }

    /// <summary>Ids with a record or with objects (an object whose record never got written, after a crash).</summary>
    public async IAsyncEnumerable<string> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        List<string> recorded;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            recorded = await db.Set<S3StagingRecord>().Select(s => s.Id).ToListAsync(cancellationToken);
        }

        foreach (var id in recorded.Where(seen.Add))
        {
            yield return id;
        }

        await foreach (var key in bucket.ListAsync(Prefix, cancellationToken))
        {
            if (key[Prefix.Length..].Split('/') is [var id, _, ..] && IsId(id) && seen.Add(id))
            {
                yield return id;
            }
        }
    }

    private static string DataKey(string id) => $"{Prefix}{id}/data";

    private static string NewTailKey(string id) => $"{Prefix}{id}/tail-{Guid.NewGuid():N}";

    private static bool IsId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static void CheckId(string id)
    {
        if (!IsId(id))
        {
            throw new ArgumentException("Not a valid resumable blob id.", nameof(id));
        }
    }

    private async Task<(S3StagingRecord? Row, List<S3StagingPart> Parts)> TryLoadAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<S3StagingRecord>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        var parts = await db.Set<S3StagingPart>().AsNoTracking().Where(p => p.StagingId == id).OrderBy(p => p.PartNumber).ToListAsync(cancellationToken);
        return (row, parts);
    }

    private async Task<(S3StagingRecord Row, List<S3StagingPart> Parts)> LoadAsync(string id, CancellationToken cancellationToken)
    {
        var (row, parts) = await TryLoadAsync(id, cancellationToken);
        return (row ?? throw new StagingLostException(id, 0, 0), parts);
    }

    /// <summary>
    /// Brings the recorded state back to exactly <paramref name="length"/> bytes: the parts that end at or
    /// before it, plus a tail that starts where they end and holds at least the rest. Bytes past it were
    /// never acknowledged and are dropped. Throws <see cref="StagingLostException"/> when no such state is recorded.
    /// </summary>
    private async Task<List<S3StagingPart>> CutBackAsync(S3StagingRecord row, List<S3StagingPart> parts, long length, CancellationToken cancellationToken)
    {
        var kept = new List<S3StagingPart>();
        long end = 0;
        foreach (var part in parts)
        {
            if (part.Offset != end || end + part.Size > length)
            {
                break;
            }

            kept.Add(part);
            end += part.Size;
        }

        var need = length - end;
        (string? Key, long Offset, long Size)[] tails = [(row.TailKey, row.TailOffset, row.TailSize), (row.BaseTailKey, row.BaseTailOffset, row.BaseTailSize)];
        string? tailKey = null;
        if (need > 0)
        {
            var usable = tails.Where(t => t.Key is not null && t.Offset == end).ToList();
            if (usable.FirstOrDefault(t => t.Size >= need) is { Key: { } key })
            {
                tailKey = key;
            }
            else
            {
                throw new StagingLostException(row.Id, end + usable.Select(t => t.Size).DefaultIfEmpty(0).Max(), length);
            }
        }

        var unchanged = kept.Count == parts.Count && row.TailKey == tailKey && row.TailSize == need && row.BaseTailKey is null;
        if (unchanged)
        {
            return kept;
        }

        var stale = tails.Select(t => t.Key).Where(k => k is not null && k != tailKey).ToList();
        var lastKept = kept.Count == 0 ? 0 : kept[^1].PartNumber;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Set<S3StagingPart>().Where(p => p.StagingId == row.Id && p.PartNumber > lastKept).ExecuteDeleteAsync(cancellationToken);
            var next = Copy(row);
            next.TailKey = tailKey;
            next.TailOffset = end;
            next.TailSize = need;
            next.BaseTailKey = null;
            next.BaseTailOffset = 0;
            next.BaseTailSize = 0;
            await SaveAsync(db, next, row.Version, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            Apply(row, next);
        }

        foreach (var key in stale)
        {
            await bucket.DeleteQuietlyAsync(key!, logger);
        }

        return kept;
    }

    /// <summary>Writes <paramref name="next"/> if the row is still at <paramref name="expectedVersion"/>; otherwise another writer changed it.</summary>
    private static async Task SaveAsync(VaultDbContext db, S3StagingRecord next, int expectedVersion, CancellationToken cancellationToken)
    {
        var saved = await db.Set<S3StagingRecord>()
            .Where(s => s.Id == next.Id && s.Version == expectedVersion)
            .ExecuteUpdateAsync(
                set => set
                    .SetProperty(s => s.MultipartUploadId, next.MultipartUploadId)
                    .SetProperty(s => s.TailKey, next.TailKey)
                    .SetProperty(s => s.TailOffset, next.TailOffset)
                    .SetProperty(s => s.TailSize, next.TailSize)
                    .SetProperty(s => s.BaseTailKey, next.BaseTailKey)
                    .SetProperty(s => s.BaseTailOffset, next.BaseTailOffset)
                    .SetProperty(s => s.BaseTailSize, next.BaseTailSize)
                    .SetProperty(s => s.CompletedLength, next.CompletedLength)
                    .SetProperty(s => s.Version, expectedVersion + 1),
                cancellationToken);
        if (saved != 1)
        {
            throw new IOException($"The staged blob {next.Id} was changed by another writer.");
        }

        next.Version = expectedVersion + 1;
    }

    private static S3StagingRecord Copy(S3StagingRecord row) => new()
    {
        Id = row.Id,
        MultipartUploadId = row.MultipartUploadId,
        TailKey = row.TailKey,
        TailOffset = row.TailOffset,
        TailSize = row.TailSize,
        BaseTailKey = row.BaseTailKey,
        BaseTailOffset = row.BaseTailOffset,
        BaseTailSize = row.BaseTailSize,
        CompletedLength = row.CompletedLength,
        Version = row.Version,
    };

    private static void Apply(S3StagingRecord row, S3StagingRecord next)
    {
        row.MultipartUploadId = next.MultipartUploadId;
        row.TailKey = next.TailKey;
        row.TailOffset = next.TailOffset;
        row.TailSize = next.TailSize;
        row.BaseTailKey = next.BaseTailKey;
        row.BaseTailOffset = next.BaseTailOffset;
        row.BaseTailSize = next.BaseTailSize;
        row.CompletedLength = next.CompletedLength;
        row.Version = next.Version;
    }

    private sealed record CachedHash(long Length, string Stamp, IncrementalHash Hash);

    private sealed class ResumableObject : IResumableBlob
    {
        private readonly S3ResumableStaging _staging;
        private readonly S3StagingRecord _row;
        private List<S3StagingPart> _parts;

        // Covers exactly the first Length bytes; null when they must be hashed again (at completion).
        private IncrementalHash? _hash;

        // The hash at _openLength, for a request that is refused and cut back to where it began.
        private IncrementalHash? _openHash;
        private long _openLength;

        // Whether the tail this writer began from has been set aside as the base tail yet.
        private bool _baseTaken;
        private long _durable;

        public ResumableObject(S3ResumableStaging staging, S3StagingRecord row, List<S3StagingPart> parts, long length, IncrementalHash? hash)
        {
            _staging = staging;
            _row = row;
            _parts = parts;
            _hash = hash;
            _openHash = hash?.Clone();
            _openLength = length;
            _durable = length;
            Length = length;
        }

        public string Id => _row.Id;

        public long Length { get; private set; }

        private long PartsEnd => _parts.Count == 0 ? 0 : _parts[^1].Offset + _parts[^1].Size;

        private int NextPartNumber => _parts.Count == 0 ? 1 : _parts[^1].PartNumber + 1;

        private S3Bucket Bucket => _staging.Bucket;

        public async Task AppendAsync(Stream content, long maxLength, IncrementalHash? chunkHash, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(content);
            if (_row.CompletedLength is not null)
            {
                if (await content.ReadAsync(new byte[1], cancellationToken) > 0)
                {
                    throw new BlobTooLargeException(maxLength);
                }

                return;
            }

            using var buffer = new PartBuffer();
            // The tail's bytes begin the next part.
            if (_row.TailKey is { } tailKey)
            {
                await Bucket.ReadIntoAsync(tailKey, 0, _row.TailSize, buffer, cancellationToken);
            }

            ExceptionDispatchInfo? failure = null;
            try
            {
                while (true)
                {
                    var partSize = S3BlobStore.PartSizeFor(NextPartNumber);
                    int read;
                    try
                    {
                        read = await buffer.ReadFromAsync(content, (int)Math.Min(partSize - buffer.Length, int.MaxValue), cancellationToken);
                    }
                    catch (Exception e)
                    {
                        failure = ExceptionDispatchInfo.Capture(e);
                        break;
                    }

                    if (read == 0)
                    {
                        break;
                    }

                    if (Length + read > maxLength)
                    {
                        buffer.Unread(read);
                        failure = ExceptionDispatchInfo.Capture(new BlobTooLargeException(maxLength));
                        break;
                    }

                    _hash?.AppendData(buffer.Last(read));
                    chunkHash?.AppendData(buffer.Last(read));
                    Length += read;
                    if (buffer.Length == partSize)
                    {
                        await FlushPartAsync(buffer, cancellationToken);
                    }
                }

                // What arrived is kept, also when the body broke off: the client resumes after it.
                if (Length > _durable)
                {
                    await WriteTailAsync(buffer);
                }
            }
            catch (Exception e) when (failure is not null)
            {
                _staging.Logger.LogError(e, "Could not keep the bytes of {Id} that arrived before its request failed", Id);
                Length = Volatile.Read(ref _durable);
                DropHash();
            }
            catch
            {
                Length = Volatile.Read(ref _durable);
                DropHash();
                throw;
            }

            failure?.Throw();
        }

        public Task<long> SyncAsync(CancellationToken cancellationToken) => Task.FromResult(Volatile.Read(ref _durable));

        public async Task TruncateAsync(long length, CancellationToken cancellationToken)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            if (length >= Length)
            {
                return;
            }

            var (row, parts) = await _staging.LoadAsync(Id, cancellationToken);
            _parts = await _staging.CutBackAsync(row, parts, length, cancellationToken);
            Apply(_row, row);
            Length = length;
            Volatile.Write(ref _durable, length);
            _baseTaken = false;
            _hash?.Dispose();
            _hash = length == _openLength ? _openHash?.Clone() : null;
            if (length != _openLength)
            {
                _openHash?.Dispose();
                _openHash = null;
                _openLength = length;
            }
        }

        public void Remember(string stamp)
        {
            if (_hash is { } running)
            {
                _hash = null;
                var entry = new CachedHash(Length, stamp, running);
                _staging._hashes.AddOrUpdate(Id, entry, (_, old) =>
                {
                    old.Hash.Dispose();
                    return entry;
                });
            }
        }

        public async Task<StagedContent> CompleteAsync(CancellationToken cancellationToken)
        {
            if (_row.CompletedLength is null && _parts.Count == 0)
            {
                // Small enough to be all tail: one PutObject at its content address, no multipart upload.
                var buffer = new PartBuffer();
                try
                {
                    if (_row.TailKey is { } tailKey)
                    {
                        await Bucket.ReadIntoAsync(tailKey, 0, _row.TailSize, buffer, cancellationToken);
                    }

                    var sha256 = FinishHash() ?? Convert.ToHexStringLower(await SHA256.HashDataAsync(buffer.OpenRead(), cancellationToken));
                    var content = new S3BlobStore.BufferedContent(_staging.Store, buffer, sha256, Length, () => _staging.DeleteAsync(Id, CancellationToken.None));
                    buffer = null;
                    return content;
                }
                finally
                {
                    buffer?.Dispose();
                }
            }

            if (_row.CompletedLength is null)
            {
                if (_row.TailKey is { } tailKey)
                {
                    // The last part may be smaller than 5 MiB.
                    using var buffer = new PartBuffer();
                    await Bucket.ReadIntoAsync(tailKey, 0, _row.TailSize, buffer, cancellationToken);
                    await FlushPartAsync(buffer, cancellationToken);
                }

                await Bucket.CompleteMultipartAsync(DataKey(Id), _row.MultipartUploadId!, _parts.Select(p => (p.PartNumber, p.ETag)), cancellationToken);
                var next = Copy(_row);
                next.CompletedLength = Length;
                next.MultipartUploadId = null;
                await using (var db = await _staging.DbFactory.CreateDbContextAsync(cancellationToken))
                {
                    await SaveAsync(db, next, _row.Version, cancellationToken);
                }

                Apply(_row, next);
            }

            if (await Bucket.LengthAsync(DataKey(Id), cancellationToken) != Length)
            {
                throw new IOException($"The completed object of {Id} does not hold the {Length} bytes staged.");
            }

            var hash = FinishHash();
            if (hash is null)
            {
                // Parts of an unfinished multipart upload cannot be read: the whole object is hashed once, now.
                await using var stream = new S3ReadStream(Bucket, DataKey(Id), Length);
                hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            }

            return new S3BlobStore.ObjectContent(_staging.Store, DataKey(Id), hash, Length, deleteUnplaced: false, () => _staging.DeleteAsync(Id, CancellationToken.None));
        }

        public ValueTask DisposeAsync()
        {
            DropHash();
            _openHash?.Dispose();
            _openHash = null;
            return ValueTask.CompletedTask;
        }

        private string? FinishHash()
        {
            if (_hash is not { } running)
            {
                return null;
            }

            var sha256 = Convert.ToHexStringLower(running.GetHashAndReset());
            DropHash();
            return sha256;
        }

        private void DropHash()
        {
            _hash?.Dispose();
            _hash = null;
        }

        /// <summary>Uploads the buffer as the next part and records it; the tail it began with is now inside it.</summary>
        private async Task FlushPartAsync(PartBuffer buffer, CancellationToken cancellationToken)
        {
            if (_row.MultipartUploadId is null)
            {
                var uploadId = await Bucket.StartMultipartAsync(DataKey(Id), cancellationToken);
                var started = Copy(_row);
                started.MultipartUploadId = uploadId;
                try
                {
                    await using var db = await _staging.DbFactory.CreateDbContextAsync(cancellationToken);
                    await SaveAsync(db, started, _row.Version, cancellationToken);
                }
                catch
                {
                    await Bucket.AbortMultipartQuietlyAsync(DataKey(Id), uploadId, _staging.Logger);
                    throw;
                }

                Apply(_row, started);
            }

            var part = new S3StagingPart
            {
                StagingId = Id,
                PartNumber = NextPartNumber,
                Offset = PartsEnd,
                Size = buffer.Length,
                ETag = await Bucket.UploadPartAsync(DataKey(Id), _row.MultipartUploadId!, NextPartNumber, buffer, cancellationToken),
            };
            var next = Copy(_row);
            var superseded = ReplaceTail(next, key: null, offset: 0, size: 0);
            await using (var db = await _staging.DbFactory.CreateDbContextAsync(cancellationToken))
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                db.Set<S3StagingPart>().Add(part);
                await db.SaveChangesAsync(cancellationToken);
                await SaveAsync(db, next, _row.Version, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            Apply(_row, next);
            _parts = [.. _parts, part];
            buffer.Clear();
            Volatile.Write(ref _durable, PartsEnd);
            await DeleteSupersededAsync(superseded);
        }

        /// <summary>Writes the buffer (the bytes after the last part) to a new tail object and records it.</summary>
        private async Task WriteTailAsync(PartBuffer buffer)
        {
            var key = NewTailKey(Id);
            await Bucket.PutAsync(key, buffer, CancellationToken.None);
            var next = Copy(_row);
            var superseded = ReplaceTail(next, key, PartsEnd, buffer.Length);
            try
            {
                await using var db = await _staging.DbFactory.CreateDbContextAsync(CancellationToken.None);
                await SaveAsync(db, next, _row.Version, CancellationToken.None);
            }
            catch
            {
                await Bucket.DeleteQuietlyAsync(key, _staging.Logger);
                throw;
            }

            Apply(_row, next);
            Volatile.Write(ref _durable, PartsEnd + buffer.Length);
            await DeleteSupersededAsync(superseded);
        }

        /// <summary>
        /// Sets <paramref name="next"/>'s tail. The tail this writer began from is kept as the base tail (a
        /// refused request goes back to it); a tail this writer wrote itself and now replaces is returned for deletion.
        /// </summary>
        private string? ReplaceTail(S3StagingRecord next, string? key, long offset, long size)
        {
            string? superseded = null;
            if (!_baseTaken)
            {
                next.BaseTailKey = next.TailKey;
                next.BaseTailOffset = next.TailOffset;
                next.BaseTailSize = next.TailSize;
                _baseTaken = true;
            }
            else
            {
                superseded = next.TailKey;
            }

            next.TailKey = key;
            next.TailOffset = offset;
            next.TailSize = size;
            return superseded;
        }

        private async Task DeleteSupersededAsync(string? key)
        {
            if (key is not null)
            {
                await Bucket.DeleteQuietlyAsync(key, _staging.Logger);
            }
        }
    }
}
