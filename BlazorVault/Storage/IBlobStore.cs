using System.Security.Cryptography;

namespace BlazorVault.Storage;

/// <summary>
/// Content-addressed storage for file bytes. A blob is named by the SHA-256 of its content, so
/// identical files are stored once. Writing streams; nothing is ever held whole in memory.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Streams <paramref name="content"/> to a temporary file while hashing it, stopping with
    /// <see cref="BlobTooLargeException"/> as soon as more than <paramref name="maxBytes"/> arrive.
    /// The returned blob is durable (fsynced and renamed to its content address) and protected from
    /// the sweep until it is disposed: commit the row that references it first, then dispose.
    /// On any failure nothing of the write is left behind.
    /// </summary>
    Task<StagedBlob> WriteAsync(Stream content, long maxBytes, IProgress<long>? progress, CancellationToken cancellationToken);

    /// <summary>Opens a blob for reading with random access (range requests); null when it does not exist.</summary>
    Stream? OpenRead(string sha256);

    /// <summary>The blob's path on disk for zero-copy sends; null for stores that are not files.</summary>
    string? GetPhysicalPath(string sha256);

    /// <summary>
    /// Removes a blob that the caller found unreferenced at <paramref name="unreferencedSince"/>
    /// (a time taken <em>before</em> looking for references). The blob stays when a write of the
    /// same content is in flight or has ended after that time, since its row may now exist.
    /// Returns whether it was removed.
    /// </summary>
    Task<bool> DeleteIfUnusedAsync(string sha256, DateTime unreferencedSince, CancellationToken cancellationToken);

    /// <summary>
    /// Removes temporary files left by writes that are no longer running, and every blob that
    /// <paramref name="findReferenced"/> (given a batch of hashes, returns those still referenced)
    /// does not claim, with the same protection as <see cref="DeleteIfUnusedAsync"/>.
    /// Returns how many files it removed.
    /// </summary>
    Task<int> SweepAsync(Func<IReadOnlyCollection<string>, CancellationToken, Task<IReadOnlySet<string>>> findReferenced, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the staging area of a blob written over several requests (a resumable upload), creating
    /// it empty when it does not exist yet. Its bytes survive restarts and are never touched by
    /// <see cref="SweepAsync"/>: the caller owns its lifetime and ends it with
    /// <see cref="IResumableBlob.CompleteAsync"/> or <see cref="DeleteResumable"/>.
    /// <paramref name="id"/> is 1-64 ASCII letters, digits, '-' or '_'.
    /// </summary>
    IResumableBlob OpenResumable(string id);

    /// <summary>Discards a resumable blob's staged bytes; returns whether there were any.</summary>
    bool DeleteResumable(string id);

    /// <summary>The ids of every resumable blob with staged bytes (so that abandoned ones can be expired).</summary>
    IReadOnlyCollection<string> ListResumable();
}

/// <summary>
/// A blob arriving in pieces (tus PATCH requests). Appends continue the SHA-256 in memory, so a resumed
/// upload never re-reads what it already has; a fresh instance over staged bytes (after a restart)
/// hashes them once, on its first append or completion. One operation at a time: callers serialize.
/// </summary>
public interface IResumableBlob : IDisposable
{
    string Id { get; }

    /// <summary>Bytes staged so far: the offset the next append continues from.</summary>
    long Length { get; }

    /// <summary>
    /// Appends <paramref name="content"/> until it ends, stopping with <see cref="BlobTooLargeException"/>
    /// before <see cref="Length"/> would exceed <paramref name="maxLength"/>. Every byte also goes into
    /// <paramref name="chunkHash"/> when given (per-request checksums). What was appended is fsynced and
    /// kept even when reading <paramref name="content"/> fails part-way, which is what makes resuming possible.
    /// </summary>
    Task AppendAsync(Stream content, long maxLength, IncrementalHash? chunkHash, CancellationToken cancellationToken);

    /// <summary>Drops staged bytes after <paramref name="length"/> (a refused request's bytes).</summary>
    void Truncate(long length);

    /// <summary>
    /// Moves the staged bytes to their content address with the guarantees of <see cref="IBlobStore.WriteAsync"/>;
    /// the resumable blob is gone afterwards.
    /// </summary>
    Task<StagedBlob> CompleteAsync(CancellationToken cancellationToken);
}

/// <summary>A written blob, protected from the sweep until disposed.</summary>
public sealed class StagedBlob(string sha256, long length, Action release) : IDisposable
{
    private Action? _release = release;

    public string Sha256 { get; } = sha256;

    public long Length { get; } = length;

    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}

public sealed class BlobTooLargeException(long limit)
    : IOException($"The content is larger than the limit of {limit} bytes.")
{
    public long Limit { get; } = limit;
}
