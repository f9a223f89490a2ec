using BlazorVault.Data;
using BlazorVault.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Files;

/// <summary>
/// The one place that reads and changes files: every call names the owner, and a file that is not
/// the owner's behaves exactly like one that does not exist. Whether an upload may start is decided
/// in <see cref="AdmitAsync"/>; whether it is stored, in the one transaction of its commit.
/// </summary>
public sealed class FileService(
    IDbContextFactory<VaultDbContext> dbFactory,
    IBlobStore blobs,
    BlobLedger ledger,
    IOptions<VaultOptions> options,
    TimeProvider clock,
    ILogger<FileService> logger)
{
    public const int MaxPageSize = 500;

    // errno ENOSPC, and Windows' ERROR_DISK_FULL as an HRESULT.
    private const int NoSpaceErrno = 28;
    private const int DiskFullHResult = unchecked((int)0x80070070);

    private VaultOptions Settings => options.Value;

    /// <summary>
    /// The one admission rule for every way in (raw POST, multipart, tus, the circuit): the name, the
    /// declared size against the size limit, the owner's quota and the free disk. An unknown size
    /// (<paramref name="declaredBytes"/> null) is held to the limits while it streams and at the commit.
    /// </summary>
    public async Task<Admission> AdmitAsync(string ownerId, string? name, long? declaredBytes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        if (FileNames.Sanitize(name) is not { } cleanName)
        {
            return new Admission.Refused(new UploadResult.InvalidName("The file needs a name."));
        }

        if (declaredBytes > Settings.MaxUploadBytes)
        {
            return new Admission.Refused(new UploadResult.TooLarge(Settings.MaxUploadBytes));
        }

        if (blobs is IStorageCapacity capacity && capacity.AvailableBytes - (declaredBytes ?? 0) < Settings.Storage.MinFreeBytes)
        {
            logger.LogWarning("Upload refused: the data volume has {Available} bytes free, under Vault:Storage:MinFreeBytes", capacity.AvailableBytes);
            return new Admission.Refused(new UploadResult.StorageFull());
        }

        var usage = await GetUsageAsync(ownerId, cancellationToken);
        var remaining = Math.Max(0, usage.QuotaBytes - usage.UsedBytes);
        if (declaredBytes > remaining)
        {
            return new Admission.Refused(new UploadResult.OverQuota(usage.QuotaBytes, usage.UsedBytes));
        }

        return new Admission.Admitted(cleanName, Math.Min(Settings.MaxUploadBytes, remaining), usage);
    }

    public async Task<UploadResult> UploadAsync(
        string ownerId, string? name, string? contentType, Stream content,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default, long? declaredBytes = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        // With a declared size (a Content-Length) a refusal comes before a byte of the content is read.
        var admission = await AdmitAsync(ownerId, name, declaredBytes, cancellationToken);
        if (admission is Admission.Refused refused)
        {
            return refused.Reason;
        }

        var admitted = (Admission.Admitted)admission;

        StagedContent staged;
        try
        {
            staged = await blobs.StageAsync(content, admitted.MaxBytes, progress, cancellationToken);
        }
        catch (BlobTooLargeException)
        {
            return admitted.MaxBytes < Settings.MaxUploadBytes
                ? new UploadResult.OverQuota(admitted.Usage.QuotaBytes, admitted.Usage.UsedBytes)
                : new UploadResult.TooLarge(Settings.MaxUploadBytes);
        }
        catch (IOException e) when (e.HResult is NoSpaceErrno or DiskFullHResult)
        {
            logger.LogError("Upload refused: the data volume is full");
            return new UploadResult.StorageFull();
        }

        return await CommitAsync(ownerId, admitted.Name, contentType, staged, claim: null, cancellationToken);
    }

    /// <summary>
    /// Stores content staged elsewhere (a resumable upload) with the same name rules, limits and commit
    /// as <see cref="UploadAsync"/>. With a <paramref name="claim"/>, the commit takes over a charge made
    /// earlier instead of charging the quota. Takes ownership of <paramref name="staged"/>.
    /// </summary>
    public async Task<UploadResult> StoreStagedAsync(
        string ownerId, string? name, string? contentType, StagedContent staged, CommitClaim? claim, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        ArgumentNullException.ThrowIfNull(staged);
        var cleanName = FileNames.Sanitize(name);
        UploadResult? refused = cleanName is null ? new UploadResult.InvalidName("The file needs a name.")
            : staged.Length > Settings.MaxUploadBytes ? new UploadResult.TooLarge(Settings.MaxUploadBytes)
            : null;
        if (refused is not null)
        {
            await staged.DisposeAsync();
            return refused;
        }

        return await CommitAsync(ownerId, cleanName!, contentType, staged, claim, cancellationToken);
    }

    /// <summary>
    /// The one commit of an upload. The blob is protected (pending) before it is placed; then one
    /// transaction charges the quota (a conditional update), inserts the row and counts the blob's
    /// reference. If that does not happen, the protection ends and the blob goes unless something uses it.
    /// </summary>
    private async Task<UploadResult> CommitAsync(
        string ownerId, string cleanName, string? contentType, StagedContent staged, CommitClaim? claim, CancellationToken cancellationToken)
    {
        await using (staged)
        {
            var file = new StoredFile
            {
                Id = NextId(),
                OwnerId = ownerId,
                Name = cleanName,
                ContentType = FileNames.ContentTypeFor(cleanName, contentType),
                Size = staged.Length,
                Sha256 = staged.Sha256,
                CreatedAt = clock.GetUtcNow(),
            };

            await ledger.MarkPendingAsync(staged.Sha256, staged.Length, cancellationToken);
            var committed = false;
            try
            {
                // Not cancellable from here: the upload is either wholly stored or not at all.
                await staged.PlaceAsync(CancellationToken.None);
                await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
                await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
                var quota = Settings.DefaultQuotaBytes;
                if (claim is null && !await UsageLedger.TryChargeAsync(db, ownerId, file.Size, quota, CancellationToken.None))
                {
                    return new UploadResult.OverQuota(quota, await UsageLedger.UsedAsync(db, ownerId, CancellationToken.None));
                }

                if (claim is not null && !await claim(db, file, CancellationToken.None))
                {
                    return new UploadResult.Conflict("The upload was ended while it was being stored.");
                }

                db.Files.Add(file);
                await db.SaveChangesAsync(CancellationToken.None);
                if (!await BlobLedger.ReferenceAsync(db, file.Sha256, CancellationToken.None))
                {
                    throw new InvalidOperationException($"The blob {file.Sha256} lost its row while protected.");
                }

                await transaction.CommitAsync(CancellationToken.None);
                committed = true;
            }
            finally
            {
                if (!committed)
                {
                    await ledger.ReleasePendingAsync(staged.Sha256);
                }
            }

            logger.LogInformation("Stored file {FileId} ({Size} bytes) for {OwnerId}", file.Id, file.Size, ownerId);
            return new UploadResult.Stored(FileItem.From(file));
        }
    }

    public async Task<FilePage> ListAsync(string ownerId, FileQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var files = db.Files.AsNoTracking().Where(f => f.OwnerId == ownerId);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = "%" + EscapeLike(query.Search.Trim()) + "%";
            files = files.Where(f => EF.Functions.Like(f.Name, pattern, "\\"));
        }

        var total = await files.CountAsync(cancellationToken);
        var ordered = (query.SortBy, query.Descending) switch
        {
            (FileSortColumn.Name, false) => files.OrderBy(f => EF.Functions.Collate(f.Name, "NOCASE")).ThenBy(f => f.Id),
            (FileSortColumn.Name, true) => files.OrderByDescending(f => EF.Functions.Collate(f.Name, "NOCASE")).ThenByDescending(f => f.Id),
            (FileSortColumn.Size, false) => files.OrderBy(f => f.Size).ThenBy(f => f.Id),
            (FileSortColumn.Size, true) => files.OrderByDescending(f => f.Size).ThenByDescending(f => f.Id),
            (_, false) => files.OrderBy(f => f.Id),
            // Version 7 GUIDs sort by creation time.
            (_, true) => files.OrderByDescending(f => f.Id),
        };
        var items = await ordered
            .Skip(Math.Max(0, query.Skip))
            .Take(Math.Clamp(query.Take, 1, MaxPageSize))
            .Select(f => new FileItem(f.Id, f.Name, f.Size, f.ContentType, f.Sha256, f.CreatedAt))
            .ToListAsync(cancellationToken);
        return new FilePage(items, total);
    }

    public async Task<FileItem?> GetAsync(string ownerId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Files.AsNoTracking()
            .Where(f => f.Id == id && f.OwnerId == ownerId)
            .Select(f => new FileItem(f.Id, f.Name, f.Size, f.ContentType, f.Sha256, f.CreatedAt))
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>The owner's file and a way to read its bytes; null when it is not the owner's or does not exist.</summary>
    public async Task<FileContent?> OpenAsync(string ownerId, Guid id, CancellationToken cancellationToken = default)
    {
        var file = await GetAsync(ownerId, id, cancellationToken);
        return file is null ? null : ContentOf(file);
    }

    /// <summary>Opens any file by id, whoever owns it: only for callers that checked their own permission (share links).</summary>
    public async Task<FileContent?> OpenForSharingAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var file = await db.Files.AsNoTracking()
            .Where(f => f.Id == id)
            .Select(f => new FileItem(f.Id, f.Name, f.Size, f.ContentType, f.Sha256, f.CreatedAt))
            .SingleOrDefaultAsync(cancellationToken);
        return file is null ? null : ContentOf(file);
    }

    /// <summary>Deletes the row, its charge and its blob reference in one transaction; then the blob goes if nothing else uses it.</summary>
    public async Task<bool> DeleteAsync(string ownerId, Guid id, CancellationToken cancellationToken = default)
    {
        string sha256;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var file = await db.Files.AsNoTracking()
                .Where(f => f.Id == id && f.OwnerId == ownerId)
                .Select(f => new { f.Sha256, f.Size })
                .SingleOrDefaultAsync(cancellationToken);
            if (file is null)
            {
                return false;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            // Conditional on the row still being there: two deletes of one file release its charge once.
            if (await db.Files.Where(f => f.Id == id && f.OwnerId == ownerId).ExecuteDeleteAsync(CancellationToken.None) == 0)
            {
                return false;
            }

            await UsageLedger.ReleaseAsync(db, ownerId, file.Size, CancellationToken.None);
            await BlobLedger.DereferenceAsync(db, file.Sha256, CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
            sha256 = file.Sha256;
        }

        logger.LogInformation("Deleted file {FileId} of {OwnerId}", id, ownerId);
        try
        {
            await ledger.TryRemoveAsync(sha256, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or DbUpdateException or InvalidOperationException)
        {
            // The file is deleted either way; the blob sweep removes the bytes later.
            logger.LogWarning(e, "Could not remove blob {Sha256} yet", sha256);
        }

        return true;
    }

    /// <summary>What the owner's storage is charged with (files and unfinished uploads) against their quota.</summary>
    public async Task<StorageUsage> GetUsageAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return new StorageUsage(await UsageLedger.UsedAsync(db, ownerId, cancellationToken), Settings.DefaultQuotaBytes);
    }

    private static long _lastIdMilliseconds;

    /// <summary>
    /// A version 7 GUID whose timestamp is strictly later than the previous one, so that
    /// newest-first (id order) is upload order even for uploads within one millisecond.
    /// </summary>
    private Guid NextId()
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        long last, next;
        do
        {
            last = Volatile.Read(ref _lastIdMilliseconds);
            next = Math.Max(now, last + 1);
        }
        while (Interlocked.CompareExchange(ref _lastIdMilliseconds, next, last) != last);

        return Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(next));
    }

    private FileContent ContentOf(FileItem file) =>
        new(file, (blobs as IPhysicalBlobFiles)?.GetPhysicalPath(file.Sha256), cancellationToken => blobs.OpenReadAsync(file.Sha256, cancellationToken))
        {
            RedirectUrl = () => (blobs as IPresignedBlobUrls)?.GetDownloadUrl(file.Sha256, file.Name, file.ContentType),
        };

    private static string EscapeLike(string term) =>
        term.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);
}
