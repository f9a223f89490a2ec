using System.Security.Cryptography;

namespace BlazorVault.Storage;

/// <summary>
/// Staging for blobs that arrive over several requests (resumable uploads). Its bytes survive
/// restarts; the caller (the upload's database row, which holds the acknowledged offset and a lease)
/// owns their lifetime and decides who may write: one writer at a time per id.
/// Ids are 1-64 ASCII letters, digits, '-' or '_'.
/// </summary>
public interface IResumableStaging
{
    /// <summary>
    /// Opens the staged bytes of <paramref name="id"/>, creating them empty when there are none, cut back
    /// to <paramref name="acknowledged"/> bytes: whatever lies past the offset the database recorded was
    /// never acknowledged to a client. Throws <see cref="StagingLostException"/> when fewer bytes are
    /// there than were acknowledged. <paramref name="stamp"/> is what the database recorded with that
    /// offset (see <see cref="IResumableBlob.Remember"/>).
    /// </summary>
    Task<IResumableBlob> OpenAsync(string id, long acknowledged, string? stamp, CancellationToken cancellationToken);

    /// <summary>Discards staged bytes; returns whether there were any.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>The ids of everything staged (so that bytes without an upload row can be removed).</summary>
    IAsyncEnumerable<string> ListAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A blob arriving in pieces. Appends continue the SHA-256; a process that did not write the earlier
/// pieces hashes them once, on its first append or completion. Dispose when the request ends.
/// </summary>
public interface IResumableBlob : IAsyncDisposable
{
    string Id { get; }

    /// <summary>Bytes staged so far: the offset the next append continues from.</summary>
    long Length { get; }

    /// <summary>
    /// Appends <paramref name="content"/> until it ends, stopping with <see cref="BlobTooLargeException"/>
    /// before <see cref="Length"/> would exceed <paramref name="maxLength"/>. Every byte also goes into
    /// <paramref name="chunkHash"/> when given (per-request checksums). What was appended is made durable
    /// and kept even when reading <paramref name="content"/> fails part-way, which is what makes resuming possible.
    /// </summary>
    Task AppendAsync(Stream content, long maxLength, IncrementalHash? chunkHash, CancellationToken cancellationToken);

    /// <summary>
    /// Makes what an append in progress has written so far durable and returns that length: the
    /// progress a long request may record while it still streams. Safe to call beside <see cref="AppendAsync"/>.
    /// </summary>
    Task<long> SyncAsync(CancellationToken cancellationToken);

    /// <summary>Drops staged bytes after <paramref name="length"/> (a refused request's bytes).</summary>
    Task TruncateAsync(long length, CancellationToken cancellationToken);

    /// <summary>
    /// Called once <see cref="Length"/> is recorded in the database under <paramref name="stamp"/>: a store
    /// may keep the running hash for the next request that opens the blob with the same offset and stamp.
    /// </summary>
    void Remember(string stamp);

    /// <summary>Hashes what is staged and hands it over as content to place; the staging is gone once that is placed.</summary>
    Task<StagedContent> CompleteAsync(CancellationToken cancellationToken);
}

/// <summary>Staged bytes are shorter than the offset the database acknowledged: a lost or damaged staging file.</summary>
public sealed class StagingLostException(string id, long found, long acknowledged)
    : IOException($"The staged bytes of {id} end at {found}, before the acknowledged offset {acknowledged}.")
{
    public long Found { get; } = found;
}
