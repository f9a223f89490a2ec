using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using BlazorVault.Data;
using BlazorVault.Files;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Storage;

/// <summary>
/// Blobs as objects <c>blobs/&lt;sha256&gt;</c> in an S3-compatible bucket; nothing of a file touches this
/// instance's disk. Content streams in while it is hashed: what fits in one part (8 MiB) is kept in memory
/// and written with one PutObject straight to its content address once placed; anything larger goes as a
/// multipart upload to this instance's scratch key <c>tmp/&lt;instance&gt;/&lt;random&gt;</c> (the hash is
/// known only at the end) and is copied on the server to its content address when placed.
/// </summary>
/// <remarks>
/// Whether a blob exists is the ledger's word, not the bucket's: an object can be visible before it is
/// whole on some servers, so placing skips the write only when the blob's row counts a reference (bytes
/// are placed before the commit that counts them). Memory per upload is at most one part: parts are
/// 8 MiB, doubling every 1000 parts so that S3's 10,000-part limit is never reached.
/// </remarks>
internal sealed class S3BlobStore(
    S3Bucket bucket,
    IDbContextFactory<VaultDbContext> dbFactory,
    InstanceIdentity instance,
    IOptions<VaultOptions> options,
    ILogger<S3BlobStore> logger) : IBlobStore, IPresignedBlobUrls
{
    public const string BlobPrefix = "blobs/";
    public const string ScratchPrefix = "tmp/";

    private const long BasePartSize = 8L * 1024 * 1024;

    private static readonly TimeSpan PresignedLifetime = TimeSpan.FromMinutes(5);

    private S3Bucket Bucket => bucket;

    private ILogger Logger => logger;

    /// <summary>Parts are 8 MiB, doubling every 1000 parts (10,000 parts reach ~8 TiB), never under S3's 5 MiB minimum.</summary>
    public static long PartSizeFor(int partNumber) => BasePartSize << Math.Min((partNumber - 1) / 1000, 9);

    public static string KeyOf(string sha256) => BlobPrefix + sha256;

    public async Task<StagedContent> StageAsync(Stream content, long maxBytes, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new PartBuffer();
        var key = $"{ScratchPrefix}{instance.Id}/{Guid.NewGuid():N}";
        string? uploadId = null;
        var parts = new List<(int, string)>();
        long length = 0;
        try
        {
            while (true)
            {
                var partSize = PartSizeFor(parts.Count + 1);
                var read = await buffer.ReadFromAsync(content, (int)Math.Min(partSize - buffer.Length, int.MaxValue), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                if (length + read > maxBytes)
                {
                    throw new BlobTooLargeException(maxBytes);
                }

                hash.AppendData(buffer.Last(read));
                length += read;
                progress?.Report(length);
                if (buffer.Length == partSize)
                {
                    uploadId ??= await bucket.StartMultipartAsync(key, cancellationToken);
                    parts.Add((parts.Count + 1, await bucket.UploadPartAsync(key, uploadId, parts.Count + 1, buffer, cancellationToken)));
                    buffer.Clear();
                }
            }

            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (uploadId is null)
            {
                // All of it is in memory: no scratch object, one PutObject when placed.
                var small = new BufferedContent(this, buffer, sha256, length, onPlaced: null);
                buffer = null;
                return small;
            }

            if (buffer.Length > 0)
            {
                parts.Add((parts.Count + 1, await bucket.UploadPartAsync(key, uploadId, parts.Count + 1, buffer, cancellationToken)));
            }

            await bucket.CompleteMultipartAsync(key, uploadId, parts, cancellationToken);
            uploadId = null;
            await VerifyLengthAsync(key, length, cancellationToken);
            return new ObjectContent(this, key, sha256, length, deleteUnplaced: true, onPlaced: null);
        }
        catch
        {
            if (uploadId is not null)
            {
                await bucket.AbortMultipartQuietlyAsync(key, uploadId, logger);
            }

            if (parts.Count > 0)
            {
                await bucket.DeleteQuietlyAsync(key, logger);
            }

            throw;
        }
        finally
        {
            buffer?.Dispose();
        }
    }

    public async Task<Stream?> OpenReadAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!FileSystemBlobStore.IsHash(sha256) || await bucket.LengthAsync(KeyOf(sha256), cancellationToken) is not { } length)
        {
            return null;
        }

        return new S3ReadStream(bucket, KeyOf(sha256), length);
    }

    public async Task<bool> DeleteAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!FileSystemBlobStore.IsHash(sha256) || await bucket.LengthAsync(KeyOf(sha256), cancellationToken) is null)
        {
            return false;
        }

        await bucket.Client.DeleteObjectAsync(bucket.Name, KeyOf(sha256), cancellationToken);
        return true;
    }

    public async IAsyncEnumerable<string> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var key in bucket.ListAsync(BlobPrefix, cancellationToken))
        {
            if (key[BlobPrefix.Length..] is var name && FileSystemBlobStore.IsHash(name))
            {
                yield return name;
            }
        }
    }

    /// <summary>Removes the scratch objects (and, where the server can list them, the unfinished multipart uploads) of instances that are gone.</summary>
    public async Task<int> SweepScratchAsync(IReadOnlySet<string> liveInstances, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(liveInstances);
        bool IsDead(string key) =>
            key[ScratchPrefix.Length..].Split('/') is [var owner, _, ..] && owner != instance.Id && !liveInstances.Contains(owner);

        var dead = new List<string>();
        await foreach (var key in bucket.ListAsync(ScratchPrefix, cancellationToken))
        {
            if (IsDead(key))
            {
                dead.Add(key);
            }
        }

        if (dead.Count > 0)
        {
            await bucket.DeleteManyAsync(dead, cancellationToken);
            logger.LogInformation("Removed {Count} scratch objects of instances that are no longer running", dead.Count);
        }

        var removed = dead.Count;
        foreach (var (key, uploadId) in await bucket.ListMultipartQuietlyAsync(ScratchPrefix, logger, cancellationToken))
        {
            if (IsDead(key))
            {
                await bucket.AbortMultipartQuietlyAsync(key, uploadId, logger);
                removed++;
            }
        }

        return removed;
    }

    public Uri? GetDownloadUrl(string sha256, string fileName, string contentType) =>
        options.Value.Storage.S3.PresignedDownloads && FileSystemBlobStore.IsHash(sha256)
            ? bucket.Presign(KeyOf(sha256), PresignedLifetime, FileDownload.ContentDisposition(fileName), contentType)
            : null;

    /// <summary>
    /// Whether the blob's bytes are known to be whole at its address: a committed file references it. Its
    /// writer's pending mark keeps it there from now until that writer's own commit.
    /// </summary>
    private async Task<bool> IsReferencedAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Blobs.AnyAsync(b => b.Sha256 == sha256 && b.RefCount > 0, cancellationToken);
    }

    private async Task VerifyLengthAsync(string key, long length, CancellationToken cancellationToken)
    {
        var stored = await bucket.LengthAsync(key, cancellationToken);
        if (stored != length)
        {
            throw new IOException($"Object {key} holds {stored?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"} bytes after writing {length}.");
        }
    }

    /// <summary>Content held in memory (at most one part): placed with one PutObject.</summary>
    internal sealed class BufferedContent(S3BlobStore store, PartBuffer buffer, string sha256, long length, Func<Task>? onPlaced)
        : StagedContent(sha256, length)
    {
        public override async Task PlaceAsync(CancellationToken cancellationToken)
        {
            if (!await store.IsReferencedAsync(Sha256, cancellationToken))
            {
                await store.Bucket.PutAsync(KeyOf(Sha256), buffer, cancellationToken);
                await store.VerifyLengthAsync(KeyOf(Sha256), Length, cancellationToken);
            }

            if (onPlaced is not null)
            {
                await onPlaced();
            }
        }

        public override ValueTask DisposeAsync()
        {
            buffer.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Content in a scratch or staging object: placed by a server-side copy.</summary>
    internal sealed class ObjectContent(S3BlobStore store, string key, string sha256, long length, bool deleteUnplaced, Func<Task>? onPlaced)
        : StagedContent(sha256, length)
    {
        private bool _placed;

        public override async Task PlaceAsync(CancellationToken cancellationToken)
        {
            if (!await store.IsReferencedAsync(Sha256, cancellationToken))
            {
                await store.Bucket.CopyAsync(key, KeyOf(Sha256), Length, cancellationToken);
                await store.VerifyLengthAsync(KeyOf(Sha256), Length, cancellationToken);
            }

            _placed = true;
            if (onPlaced is not null)
            {
                await onPlaced();
            }
            else
            {
                await store.Bucket.DeleteQuietlyAsync(key, store.Logger);
            }
        }

        public override async ValueTask DisposeAsync()
        {
            if (!_placed && deleteUnplaced)
            {
                await store.Bucket.DeleteQuietlyAsync(key, store.Logger);
            }
        }
    }
}
