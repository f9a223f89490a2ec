using System.Security.Cryptography;
using System.Text.Json;
using BlazorVault.Data;
using BlazorVault.Storage;
using Microsoft.Extensions.Options;

namespace BlazorVault.Files.Uploads;

/// <summary>
/// Resumable uploads: their records (<c>uploads/&lt;id&gt;.json</c> in the data directory, so they
/// survive restarts), their staged bytes (<see cref="IBlobStore.OpenResumable"/>) and, per upload
/// in memory, the running SHA-256 and a gate that lets one request write at a time. On completion
/// the bytes go through <see cref="FileService.StoreStagedAsync"/>, like every other upload.
/// An upload that is not the caller's behaves exactly like one that does not exist.
/// </summary>
public sealed class TusUploadService(
    IBlobStore blobs,
    FileService files,
    VaultPaths paths,
    IOptions<UploadOptions> uploadOptions,
    IOptions<VaultOptions> vaultOptions,
    TimeProvider clock,
    ILogger<TusUploadService> logger) : IDisposable
{
    // A client that lost its connection resumes at once while the server may still be finishing the old request.
    private static readonly TimeSpan BusyWait = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly string _root = paths.SubDirectory("uploads");

    public async Task<TusCreation> CreateAsync(string ownerId, long length, string? name, string? contentType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        var cleanName = FileNames.Sanitize(name);
        if (cleanName is null)
        {
            return new TusCreation.Refused(new UploadResult.InvalidName("The upload needs a file name (Upload-Metadata filename)."));
        }

        var max = vaultOptions.Value.MaxUploadBytes;
        if (length > max)
        {
            return new TusCreation.Refused(new UploadResult.TooLarge(max));
        }

        // Against what is stored now; the commit checks again, since other uploads may finish first.
        var usage = await files.GetUsageAsync(ownerId, cancellationToken);
        if (length > usage.QuotaBytes - usage.UsedBytes)
        {
            return new TusCreation.Refused(new UploadResult.OverQuota(usage.QuotaBytes, usage.UsedBytes));
        }

        var now = clock.GetUtcNow();
        var upload = new TusUpload(Guid.NewGuid().ToString("N"), ownerId, length, cleanName, contentType, now, now + uploadOptions.Value.Expiry);
        // The record first: staged bytes without a record are what the sweep treats as abandoned.
        Save(upload);
        var session = new Session(upload) { Blob = blobs.OpenResumable(upload.Id) };
        lock (_gate)
        {
            _sessions[upload.Id] = session;
        }

        logger.LogInformation("Created upload {UploadId} ({Length} bytes) for {OwnerId}", upload.Id, length, ownerId);
        return new TusCreation.Created(upload);
    }

    /// <summary>
    /// The caller's live upload and its offset (its length once complete: see <see cref="TusUpload.FileId"/>);
    /// null when it is not theirs, expired or does not exist.
    /// </summary>
    public (TusUpload Upload, long Offset)? Get(string ownerId, string id)
    {
        if (Find(ownerId, id) is not { } session)
        {
            return null;
        }

        if (session.Upload.FileId is not null)
        {
            return (session.Upload, session.Upload.Length);
        }

        if (!session.Gate.Wait(0))
        {
            // A PATCH is writing (so the blob is open): its offset so far, rather than waiting for it to end.
            return session.Removed ? null : (session.Upload, session.Blob?.Length ?? 0);
        }

        try
        {
            if (session.Removed)
            {
                return null;
            }

            session.Blob ??= blobs.OpenResumable(id);
            return (session.Upload, session.Blob.Length);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    public async Task<TusPatch> AppendAsync(
        string ownerId, string id, long offset, long? contentLength, TusChecksum? checksum, Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Find(ownerId, id) is not { } session)
        {
            return new TusPatch.NotFound();
        }

        if (!await session.Gate.WaitAsync(BusyWait, cancellationToken))
        {
            return new TusPatch.Busy();
        }

        try
        {
            if (session.Removed)
            {
                return new TusPatch.NotFound();
            }

            var upload = session.Upload;
            if (upload.FileId is { } storedId)
            {
                // Complete already: only a request that continues exactly at the end gets the answer again.
                return offset == upload.Length && contentLength is null or 0
                    ? new TusPatch.Accepted(upload.Length, storedId)
                    : new TusPatch.OffsetMismatch(upload.Length);
            }

            var blob = session.Blob ??= blobs.OpenResumable(id);
            if (offset != blob.Length)
            {
                return new TusPatch.OffsetMismatch(blob.Length);
            }

            if (contentLength > upload.Length - offset)
            {
                return new TusPatch.TooLong(upload.Length);
            }

            using var chunkHash = checksum is null ? null : IncrementalHash.CreateHash(checksum.Algorithm);
            try
            {
                await blob.AppendAsync(body, upload.Length, chunkHash, cancellationToken);
            }
            catch (Exception e) when (e is BlobTooLargeException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                blob.Truncate(offset);
                return new TusPatch.TooLong(upload.Length);
            }
            finally
            {
                // Also when the client went away mid-request: what arrived is kept, and the upload stays alive.
                Touch(session);
            }

            if (checksum is not null && !CryptographicOperations.FixedTimeEquals(chunkHash!.GetHashAndReset(), checksum.Digest))
            {
                blob.Truncate(offset);
                return new TusPatch.ChecksumMismatch();
            }

            if (blob.Length < upload.Length)
            {
                return new TusPatch.Accepted(blob.Length, null);
            }

            var staged = await blob.CompleteAsync(cancellationToken);
            var result = await files.StoreStagedAsync(ownerId, upload.Name, upload.ContentType, staged, CancellationToken.None);
            if (result is not UploadResult.Stored stored)
            {
                Remove(session, deleteBytes: false);
                return new TusPatch.Refused(result);
            }

            session.Upload = upload with { FileId = stored.File.Id, ExpiresAt = clock.GetUtcNow() + uploadOptions.Value.Expiry };
            Save(session.Upload);
            // The staged bytes are the blob now; HEAD answers from the record from here on.
            session.Blob = null;
            blob.Dispose();
            return new TusPatch.Accepted(upload.Length, stored.File.Id);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    /// <summary>Discards an unfinished upload's bytes; of a complete one only the record goes (the file stays).</summary>
    public async Task<TusTermination> TerminateAsync(string ownerId, string id, CancellationToken cancellationToken)
    {
        if (Find(ownerId, id) is not { } session)
        {
            return TusTermination.NotFound;
        }

        if (!await session.Gate.WaitAsync(BusyWait, cancellationToken))
        {
            return TusTermination.Busy;
        }

        try
        {
            if (session.Removed)
            {
                return TusTermination.NotFound;
            }

            Remove(session, deleteBytes: true);
            logger.LogInformation("Terminated upload {UploadId} of {OwnerId}", id, ownerId);
            return TusTermination.Terminated;
        }
        finally
        {
            session.Gate.Release();
        }
    }

    /// <summary>
    /// Removes expired uploads and staged bytes that have no upload record (a crash between the two);
    /// an upload with a request in progress is left alone. Returns how many uploads it removed.
    /// </summary>
    public int SweepExpired()
    {
        var removed = 0;
        var now = clock.GetUtcNow();
        foreach (var record in Directory.EnumerateFiles(_root, "*.json"))
        {
            var id = Path.GetFileNameWithoutExtension(record);
            if (Load(id) is not { } session || session.Upload.ExpiresAt > now || !session.Gate.Wait(0))
            {
                continue;
            }

            try
            {
                if (!session.Removed && session.Upload.ExpiresAt <= now)
                {
                    Remove(session, deleteBytes: true);
                    removed++;
                }
            }
            finally
            {
                session.Gate.Release();
            }
        }

        foreach (var id in blobs.ListResumable())
        {
            if (!File.Exists(RecordPath(id)) && blobs.DeleteResumable(id))
            {
                removed++;
            }
        }

        return removed;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var session in _sessions.Values)
            {
                session.Blob?.Dispose();
            }

            _sessions.Clear();
        }
    }

    private Session? Find(string ownerId, string id)
    {
        var session = Load(id);
        return session is not null && session.Upload.OwnerId == ownerId && session.Upload.ExpiresAt > clock.GetUtcNow()
            ? session
            : null;
    }

    /// <summary>The in-memory session, read from its record after a restart; null for ids that are not ours.</summary>
    private Session? Load(string id)
    {
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        lock (_gate)
        {
            if (_sessions.TryGetValue(id, out var session))
            {
                return session;
            }

            TusUpload? upload;
            try
            {
                using var stream = File.OpenRead(RecordPath(id));
                upload = JsonSerializer.Deserialize<TusUpload>(stream);
            }
            catch (FileNotFoundException)
            {
                return null;
            }

            if (upload is null)
            {
                return null;
            }

            // The blob is opened on first use, under the session's gate, and hashes what it holds once.
            session = new Session(upload);
            _sessions[id] = session;
            return session;
        }
    }

    private void Touch(Session session)
    {
        session.Upload = session.Upload with { ExpiresAt = clock.GetUtcNow() + uploadOptions.Value.Expiry };
        Save(session.Upload);
    }

    private void Save(TusUpload upload)
    {
        // Write and rename, so a crash never leaves half a record.
        var path = RecordPath(upload.Id);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(upload));
        File.Move(temp, path, overwrite: true);
    }

    private void Remove(Session session, bool deleteBytes)
    {
        session.Removed = true;
        lock (_gate)
        {
            _sessions.Remove(session.Upload.Id);
        }

        session.Blob?.Dispose();
        File.Delete(RecordPath(session.Upload.Id));
        if (deleteBytes)
        {
            blobs.DeleteResumable(session.Upload.Id);
        }
    }

    private string RecordPath(string id) => Path.Combine(_root, id + ".json");

    private sealed class Session(TusUpload upload)
    {
        public TusUpload Upload { get; set; } = upload;

        public IResumableBlob? Blob { get; set; }

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public bool Removed { get; set; }
    }
}
