using System.Security.Cryptography;
using BlazorVault.Data;
using BlazorVault.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Files.Uploads;

/// <summary>
/// Resumable uploads. Each is a row (<see cref="UploadRecord"/>), the only truth about it for every
/// process: its acknowledged offset, its expiry, its lease. A PATCH appends only while it holds the
/// lease (a conditional update, renewed while the body streams), so two processes never write to one
/// upload, and HEAD on any process answers the recorded offset. The declared length is charged to the
/// owner's quota at creation. On completion the bytes go through <see cref="FileService.StoreStagedAsync"/>,
/// whose commit takes that charge over in the same transaction that marks the row complete.
/// An upload that is not the caller's behaves exactly like one that does not exist.
/// </summary>
public sealed class TusUploadService(
    IDbContextFactory<VaultDbContext> dbFactory,
    IResumableStaging staging,
    FileService files,
    IOptions<UploadOptions> uploadOptions,
    IOptions<VaultOptions> vaultOptions,
    TimeProvider clock,
    ILogger<TusUploadService> logger)
{
    // A client that lost its connection resumes at once while the server may still be finishing the old
    // request, or the process that held the upload died: a little longer than a lease that is not renewed.
    private static readonly TimeSpan BusyWait = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan BusyPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a request's lease lasts unless renewed.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a request that is streaming renews its lease and records the bytes made durable so far,
    /// so that HEAD on any process shows progress and a crash mid-request keeps what arrived.
    /// </summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    private TimeSpan Expiry => uploadOptions.Value.Expiry;

    private TimeProvider Clock => clock;

    private ILogger Logger => logger;

    /// <param name="via">The file request and visitor an upload is made by: the request's limits are reserved in the same transaction, and only that visitor, through it, reaches the upload.</param>
    public async Task<TusCreation> CreateAsync(
        string ownerId, long length, string? name, string? contentType, CancellationToken cancellationToken, Placement? placement = null, RequestUpload? via = null)
    {
        placement ??= Placement.Root;
        var admission = await files.AdmitAsync(ownerId, name, length, cancellationToken, placement);
        if (admission is Admission.Refused refused)
        {
            return new TusCreation.Refused(refused.Reason);
        }

        var admitted = (Admission.Admitted)admission;

        var now = clock.GetUtcNow();
        var record = new UploadRecord
        {
            Id = Guid.NewGuid().ToString("N"),
            OwnerId = ownerId,
            Length = length,
            Name = admitted.Name,
            ContentType = contentType,
            CreatedAt = now,
            ExpiresAt = now + Expiry,
            FolderId = placement.FolderId,
            RelativePath = placement.RelativePath,
            Conflict = placement.Conflict.ToString(),
            ShareLinkId = via?.LinkId,
            VisitorKey = via?.VisitorKey,
        };

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The owner's uploads take turns here, so that the count below holds until the insert.
        await BlazorVault.Files.Tree.TreeLock.TakeAsync(db, ownerId, cancellationToken);
        var limit = uploadOptions.Value.MaxUnfinished;
        // A file request's visitors count apart from the owner, so that they cannot crowd the owner out.
        var viaLink = via?.LinkId;
        if (await db.Uploads.CountAsync(u => u.OwnerId == ownerId && u.FileId == null && u.ShareLinkId == viaLink, cancellationToken) >= limit)
        {
            return new TusCreation.Refused(new UploadResult.TooManyUnfinished(limit));
        }

        if (via is { LinkId: var linkId } && !await BlazorVault.Sharing.FileRequestLimits.TryReserveAsync(db, linkId, length, cancellationToken))
        {
            return new TusCreation.OverLinkLimit();
        }

        // The declared length is reserved now, so unfinished uploads can never hold more than the quota.
        var quota = await UsageLedger.QuotaAsync(db, ownerId, vaultOptions.Value.DefaultQuotaBytes, cancellationToken);
        if (!await UsageLedger.TryChargeAsync(db, ownerId, length, quota, cancellationToken))
        {
            return new TusCreation.Refused(new UploadResult.OverQuota(quota, await UsageLedger.UsedAsync(db, ownerId, cancellationToken)));
        }

        db.Uploads.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Created upload {UploadId} ({Length} bytes) for {OwnerId}", record.Id, length, ownerId);
        return new TusCreation.Created(record.ToUpload());
    }

    /// <summary>The owner's unfinished uploads (newest first), with what the server has of each: for the dashboard to resume or cancel.</summary>
    public async Task<IReadOnlyList<(TusUpload Upload, long Offset)>> ListUnfinishedAsync(string ownerId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var records = await db.Uploads.AsNoTracking()
            .Where(u => u.OwnerId == ownerId && u.FileId == null && u.ExpiresAt > now && u.ShareLinkId == null)
            .OrderByDescending(u => u.CreatedAt)
            .Take(uploadOptions.Value.MaxUnfinished)
            .ToListAsync(cancellationToken);
        return [.. records.Select(r => (r.ToUpload(), r.Offset))];
    }

    /// <summary>
    /// The caller's live upload and its acknowledged offset (its length once complete: see <see cref="TusUpload.FileId"/>);
    /// null when it is not theirs, expired or does not exist.
    /// </summary>
    public async Task<(TusUpload Upload, long Offset)?> GetAsync(string ownerId, string id, CancellationToken cancellationToken, RequestUpload? via = null)
    {
        var record = await FindAsync(ownerId, id, cancellationToken, via);
        return record is null ? null : (record.ToUpload(), record.FileId is null ? record.Offset : record.Length);
    }

    public async Task<TusPatch> AppendAsync(
        string ownerId, string id, long offset, long? contentLength, TusChecksum? checksum, Stream body, CancellationToken cancellationToken, RequestUpload? via = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var lease = Guid.NewGuid().ToString("N");
        var waited = TimeSpan.Zero;
        while (true)
        {
            var record = await FindAsync(ownerId, id, cancellationToken, via);
            if (record is null)
            {
                return new TusPatch.NotFound();
            }

            if (record.FileId is { } storedId)
            {
                // Complete already: only a request that continues exactly at the end gets the answer again.
                return offset == record.Length && contentLength is null or 0
                    ? new TusPatch.Accepted(record.Length, storedId)
                    : new TusPatch.OffsetMismatch(record.Length);
            }

            if (await TryTakeLeaseAsync(id, lease, cancellationToken))
            {
                break;
            }

            if (waited >= BusyWait || record.LeaseUntil - clock.GetUtcNow() > BusyWait - waited)
            {
                // Held by a live request (or for longer than we would wait): the client retries later.
                return new TusPatch.Busy();
            }

            await Task.Delay(BusyPoll, cancellationToken);
            waited += BusyPoll;
        }

        try
        {
            return await AppendUnderLeaseAsync(ownerId, id, lease, offset, contentLength, checksum, body, cancellationToken);
        }
        finally
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            await db.Uploads.Where(u => u.Id == id && u.LeaseHolder == lease).ExecuteUpdateAsync(
                set => set.SetProperty(u => u.LeaseHolder, (string?)null).SetProperty(u => u.LeaseUntil, DateTimeOffset.UnixEpoch),
                CancellationToken.None);
        }
    }

    /// <summary>Discards an unfinished upload's bytes and releases its charge; of a complete one only the row goes (the file stays).</summary>
    public async Task<TusTermination> TerminateAsync(string ownerId, string id, CancellationToken cancellationToken, RequestUpload? via = null)
    {
        for (var waited = TimeSpan.Zero; ; waited += BusyPoll)
        {
            var record = await FindAsync(ownerId, id, cancellationToken, via);
            if (record is null)
            {
                return TusTermination.NotFound;
            }

            if (await TryRemoveAsync(record, clock.GetUtcNow(), cancellationToken))
            {
                logger.LogInformation("Terminated upload {UploadId} of {OwnerId}", id, ownerId);
                return TusTermination.Terminated;
            }

            if (waited >= BusyWait || record.LeaseUntil - clock.GetUtcNow() > BusyWait - waited)
            {
                return TusTermination.Busy;
            }

            await Task.Delay(BusyPoll, cancellationToken);
        }
    }

    /// <summary>
    /// Removes expired uploads (releasing their charges) and staged bytes that no upload row owns.
    /// An upload under a lease is left alone; a row or file that cannot be handled is logged and skipped.
    /// Returns how many uploads and orphaned stagings it removed.
    /// </summary>
    public async Task<int> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<string> expired;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            expired = await db.Uploads.AsNoTracking().Where(u => u.ExpiresAt <= now).Select(u => u.Id).ToListAsync(cancellationToken);
        }

        var removed = 0;
        foreach (var id in expired)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                if (await db.Uploads.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken) is { } record
                    && record.ExpiresAt <= now
                    && await TryRemoveAsync(record, now, cancellationToken))
                {
                    removed++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not expire upload {UploadId}; the next sweep tries again", id);
            }
        }

        await foreach (var batch in staging.ListAsync(cancellationToken).Chunk(500).WithCancellation(cancellationToken))
        {
            HashSet<string> owned;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                owned = [.. await db.Uploads.Where(u => batch.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken)];
            }

            foreach (var orphan in batch.Where(id => !owned.Contains(id)))
            {
                // Bytes are staged only after their row exists, and go after it: without a row they are garbage.
                if (await staging.DeleteAsync(orphan, cancellationToken))
                {
                    removed++;
                }
            }
        }

        return removed;
    }

    private async Task<TusPatch> AppendUnderLeaseAsync(
        string ownerId, string id, string lease, long offset, long? contentLength, TusChecksum? checksum, Stream body, CancellationToken cancellationToken)
    {
        UploadRecord record;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            record = await db.Uploads.AsNoTracking().SingleAsync(u => u.Id == id, cancellationToken);
        }

        if (offset != record.Offset)
        {
            return new TusPatch.OffsetMismatch(record.Offset);
        }

        if (contentLength > record.Length - offset)
        {
            return new TusPatch.TooLong(record.Length);
        }

        IResumableBlob blob;
        try
        {
            blob = await staging.OpenAsync(id, record.Offset, record.OffsetStamp, cancellationToken);
        }
        catch (StagingLostException e)
        {
            // The bytes on disk end earlier than recorded (a damaged disk, a restored backup): resume from what is there.
            logger.LogError(e, "Upload {UploadId} lost staged bytes; it resumes from {Offset}", id, e.Found);
            await RecordOffsetAsync(id, lease, e.Found, stamp: null);
            return new TusPatch.OffsetMismatch(e.Found);
        }

        await using (blob)
        {
            // With a checksum nothing of the request counts before its end, so its progress is not recorded.
            await using var keeper = new LeaseKeeper(this, id, lease, checksum is null ? blob : null, cancellationToken);
            using var chunkHash = checksum is null ? null : IncrementalHash.CreateHash(checksum.Algorithm);
            try
            {
                await blob.AppendAsync(body, record.Length, chunkHash, keeper.Token);
            }
            catch (Exception e) when (e is BlobTooLargeException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                await keeper.DisposeAsync();
                await blob.TruncateAsync(offset, CancellationToken.None);
                await RecordOffsetAsync(id, lease, offset, stamp: null);
                return new TusPatch.TooLong(record.Length);
            }
            catch (OperationCanceledException) when (keeper.Lost && !cancellationToken.IsCancellationRequested)
            {
                return new TusPatch.Busy();
            }
            catch
            {
                // The client went away or the body broke: what arrived is durable and is kept, and HEAD tells where to resume.
                await RecordOffsetAsync(id, lease, blob.Length, lease);
                throw;
            }

            // The body is in: nothing more to renew while the request ends (completing moves the staged file away).
            await keeper.DisposeAsync();
            if (checksum is not null && !CryptographicOperations.FixedTimeEquals(chunkHash!.GetHashAndReset(), checksum.Digest))
            {
                await blob.TruncateAsync(offset, CancellationToken.None);
                return new TusPatch.ChecksumMismatch();
            }

            if (!await RecordOffsetAsync(id, lease, blob.Length, lease))
            {
                // Our lease ran out (a stalled process) and another request may own the upload now: nothing we wrote counts.
                return new TusPatch.Busy();
            }

            if (blob.Length < record.Length)
            {
                blob.Remember(lease);
                return new TusPatch.Accepted(blob.Length, null);
            }

            var staged = await blob.CompleteAsync(CancellationToken.None);
            var result = await files.StoreStagedAsync(
                ownerId, record.Name, record.ContentType, staged, (db, file, ct) => ClaimAsync(db, id, lease, file, ct), CancellationToken.None, record.Placement);
            if (result is not UploadResult.Stored stored)
            {
                return new TusPatch.Refused(result);
            }

            logger.LogInformation("Upload {UploadId} is stored as file {FileId}", id, stored.File.Id);
            return new TusPatch.Accepted(record.Length, stored.File.Id);
        }
    }

    /// <summary>Inside the file's commit: marks the upload complete (its charge now belongs to the file) while our lease holds.</summary>
    private async Task<bool> ClaimAsync(VaultDbContext db, string id, string lease, StoredFile file, CancellationToken cancellationToken)
    {
        var expires = clock.GetUtcNow() + Expiry;
        return await db.Uploads
            .Where(u => u.Id == id && u.LeaseHolder == lease && u.FileId == null && u.Length == file.Size)
            .ExecuteUpdateAsync(
                set => set
                    .SetProperty(u => u.FileId, file.Id)
                    .SetProperty(u => u.Offset, u => u.Length)
                    .SetProperty(u => u.ExpiresAt, expires),
                cancellationToken) == 1;
    }

    private async Task<bool> TryTakeLeaseAsync(string id, string lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + LeaseDuration;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Uploads
            .Where(u => u.Id == id && u.FileId == null && u.ExpiresAt > now && u.LeaseUntil < now)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.LeaseHolder, lease).SetProperty(u => u.LeaseUntil, until), cancellationToken) == 1;
    }

    /// <summary>Extends our lease; with <paramref name="durable"/>, also records that many bytes as received (never lowering the offset).</summary>
    private async Task<bool> RenewLeaseAsync(string id, string lease, long? durable, CancellationToken cancellationToken)
    {
        var until = clock.GetUtcNow() + LeaseDuration;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ours = db.Uploads.Where(u => u.Id == id && u.LeaseHolder == lease);
        return durable is { } length
            ? await ours.ExecuteUpdateAsync(
                set => set
                    .SetProperty(u => u.LeaseUntil, until)
                    .SetProperty(u => u.Offset, u => u.Offset < length ? length : u.Offset)
                    // The cached hash belongs to the request's end, not to this point.
                    .SetProperty(u => u.OffsetStamp, (string?)null),
                cancellationToken) == 1
            : await ours.ExecuteUpdateAsync(set => set.SetProperty(u => u.LeaseUntil, until), cancellationToken) == 1;
    }

    /// <summary>Records the acknowledged offset (and pushes the expiry out) while our lease holds.</summary>
    private async Task<bool> RecordOffsetAsync(string id, string lease, long offset, string? stamp)
    {
        var expires = clock.GetUtcNow() + Expiry;
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        return await db.Uploads
            .Where(u => u.Id == id && u.LeaseHolder == lease)
            .ExecuteUpdateAsync(
                set => set.SetProperty(u => u.Offset, offset).SetProperty(u => u.OffsetStamp, stamp).SetProperty(u => u.ExpiresAt, expires),
                CancellationToken.None) == 1;
    }

    /// <summary>
    /// Deletes the row unless a request holds it, releasing the charge of an unfinished upload in the
    /// same transaction; then its staged bytes go.
    /// </summary>
    private async Task<bool> TryRemoveAsync(UploadRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Conditional on the row being as read too: an upload that completed since then has handed its
            // charge to the file, and releasing it here would free bytes the file still uses.
            var deleted = await db.Uploads
                .Where(u => u.Id == record.Id && u.LeaseUntil < now && u.FileId == record.FileId)
                .ExecuteDeleteAsync(cancellationToken);
            if (deleted == 0)
            {
                return false;
            }

            if (record.FileId is null)
            {
                await UsageLedger.ReleaseAsync(db, record.OwnerId, record.Length, cancellationToken);
                if (record.ShareLinkId is { } linkId)
                {
                    await BlazorVault.Sharing.FileRequestLimits.ReleaseAsync(db, linkId, record.Length, cancellationToken);
                }
            }

            await transaction.CommitAsync(CancellationToken.None);
        }

        if (record.FileId is null)
        {
            await staging.DeleteAsync(record.Id, CancellationToken.None);
        }

        return true;
    }

    /// <summary>The upload when it is live, the owner's, and made by <paramref name="via"/> (null: by the owner, not through a link).</summary>
    private async Task<UploadRecord?> FindAsync(string ownerId, string id, CancellationToken cancellationToken, RequestUpload? via = null)
    {
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var linkId = via?.LinkId;
        var visitor = via?.VisitorKey;
        return await db.Uploads.AsNoTracking().SingleOrDefaultAsync(
            u => u.Id == id && u.OwnerId == ownerId && u.ExpiresAt > now && u.ShareLinkId == linkId && u.VisitorKey == visitor, cancellationToken);
    }

    /// <summary>Renews a request's lease while its body streams; cancels the request when the lease is lost.</summary>
    private sealed class LeaseKeeper : IAsyncDisposable
    {
        private readonly CancellationTokenSource _lost;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        private int _disposed;

        /// <param name="progress">The blob whose durable progress to record as the lease is renewed; null to record none.</param>
        public LeaseKeeper(TusUploadService service, string id, string lease, IResumableBlob? progress, CancellationToken requestAborted)
        {
            _lost = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
            _loop = RenewAsync(service, id, lease, progress);
        }

        public CancellationToken Token => _lost.Token;

        public bool Lost { get; private set; }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            await _stop.CancelAsync();
            // The loop only awaits a delay or a short update, and ends once stopped.
            await _loop;
            _stop.Dispose();
            _lost.Dispose();
        }

        private async Task RenewAsync(TusUploadService service, string id, string lease, IResumableBlob? progress)
        {
            try
            {
                while (true)
                {
                    await Task.Delay(ProgressInterval, service.Clock, _stop.Token);
                    long? durable = progress is null ? null : await progress.SyncAsync(_stop.Token);
                    if (!await service.RenewLeaseAsync(id, lease, durable, _stop.Token))
                    {
                        service.Logger.LogWarning("Upload {UploadId} lost its lease mid-request; the request stops", id);
                        Lost = true;
                        await _lost.CancelAsync();
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                service.Logger.LogError(e, "Could not renew the lease of upload {UploadId}; the request stops", id);
                Lost = true;
                await _lost.CancelAsync();
            }
        }
    }
}
