namespace BlazorVault.Storage;

/// <summary>
/// Content-addressed storage for file bytes: what any object store can do. A blob is named by the
/// SHA-256 of its content, so identical files are stored once. Writing streams; nothing is ever held
/// whole in memory. The store keeps no bookkeeping of its own: which blobs are wanted, and when one
/// may go, is decided in the database (<see cref="BlobLedger"/>).
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Streams <paramref name="content"/> to scratch space while hashing it, stopping with
    /// <see cref="BlobTooLargeException"/> as soon as more than <paramref name="maxBytes"/> arrive.
    /// Nothing is at the content address yet: see <see cref="StagedContent.PlaceAsync"/>. On any failure
    /// nothing of the write is left behind.
    /// </summary>
    Task<StagedContent> StageAsync(Stream content, long maxBytes, IProgress<long>? progress, CancellationToken cancellationToken);

    /// <summary>Opens a blob for reading with random access (range requests); null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>Removes a blob; false when there was none. Only <see cref="BlobLedger"/> calls this, after its checks.</summary>
    Task<bool> DeleteAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>Every blob's hash (for the sweep and the consistency check).</summary>
    IAsyncEnumerable<string> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Removes scratch space left by app instances that are no longer alive: <paramref name="liveInstances"/>
    /// are the ids whose scratch must stay (this instance's among them). Returns how many entries it removed.
    /// </summary>
    Task<int> SweepScratchAsync(IReadOnlySet<string> liveInstances, CancellationToken cancellationToken);
}

/// <summary>
/// An optional capability of stores whose blobs are local files: the download code asks for it to
/// send a file with zero copies (sendfile), and falls back to <see cref="IBlobStore.OpenReadAsync"/>.
/// </summary>
public interface IPhysicalBlobFiles
{
    /// <summary>The blob's path on disk; null when the hash is malformed.</summary>
    string? GetPhysicalPath(string sha256);

    /// <summary>The same path below the store's blob directory, with <c>/</c> between its parts; null when the hash is malformed.</summary>
    string? GetRelativePath(string sha256);
}

/// <summary>An optional capability: how many bytes the store's volume has free (for admission).</summary>
public interface IStorageCapacity
{
    long AvailableBytes { get; }
}

/// <summary>
/// Content staged in scratch space with its hash known. <see cref="PlaceAsync"/> moves it to its
/// content address (or drops it when identical content is there already); disposing content that
/// was never placed removes the scratch copy.
/// </summary>
public abstract class StagedContent(string sha256, long length) : IAsyncDisposable
{
    /// <summary>Lower-case hex SHA-256 of the content.</summary>
    public string Sha256 { get; } = sha256;

    public long Length { get; } = length;

    /// <summary>
    /// Makes the content durable at its address. Call only once the blob's row is pending in the
    /// ledger, so that no sweep can remove the address between this and the file's commit.
    /// </summary>
    public abstract Task PlaceAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}

public sealed class BlobTooLargeException(long limit)
    : IOException($"The content is larger than the limit of {limit} bytes.")
{
    public long Limit { get; } = limit;
}

/// <summary>
/// A blob stream that fetches ranges on demand (an object store's): told where its reader will stop, it
/// asks the store for exactly those bytes instead of the rest of the blob.
/// </summary>
public interface IBoundedRead
{
    /// <summary>The reader will not read at or past <paramref name="end"/> (an exclusive offset).</summary>
    void StopAt(long end);
}

/// <summary>
/// An optional capability of stores whose blobs can be fetched straight from the store by URL: the download
/// code checks access as usual and then redirects there, so the bytes do not pass through the app.
/// </summary>
public interface IPresignedBlobUrls
{
    /// <summary>A short-lived URL that answers with the blob's bytes and these headers; null when the store is not configured for it.</summary>
    Uri? GetDownloadUrl(string sha256, string fileName, string contentType);
}
