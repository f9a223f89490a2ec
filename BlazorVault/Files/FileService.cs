using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Files.Tree;
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
    ReadLanes reads,
    IBlobStore blobs,
    BlobLedger ledger,
    Thumbnails.ThumbnailQueue thumbnails,
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
    public async Task<Admission> AdmitAsync(
        string ownerId, string? name, long? declaredBytes, CancellationToken cancellationToken = default, Placement? placement = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        if (FileNames.Sanitize(name) is not { } cleanName)
        {
            return new Admission.Refused(new UploadResult.InvalidName("The file needs a name."));
        }

        if (placement is not null && TreeQueries.SplitPath(placement.RelativePath) is null)
        {
            return new Admission.Refused(new UploadResult.InvalidName("Every folder of the path needs a valid name."));
        }

        if (placement is not null && (placement.FolderId is not null || placement.Conflict == NameConflict.Fail))
        {
            // Early answers before a byte is read; the commit decides again under the tree lock.
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (placement.FolderId is { } folderId && await TreeQueries.LiveFolderAsync(db, ownerId, folderId, cancellationToken) is null)
            {
                return new Admission.Refused(new UploadResult.FolderNotFound());
            }

            if (placement.Conflict == NameConflict.Fail && string.IsNullOrWhiteSpace(placement.RelativePath)
                && await TreeQueries.NameTakenAsync(db, ownerId, placement.FolderId, NameKeys.For(cleanName), except: null, cancellationToken))
            {
                return new Admission.Refused(new UploadResult.NameTaken($"\"{cleanName}\" is already there."));
            }
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
        IProgress<long>? progress = null, CancellationToken cancellationToken = default, long? declaredBytes = null, Placement? placement = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        // With a declared size (a Content-Length) a refusal comes before a byte of the content is read.
        var admission = await AdmitAsync(ownerId, name, declaredBytes, cancellationToken, placement);
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

        return await CommitAsync(ownerId, admitted.Name, contentType, staged, claim: null, placement ?? Placement.Root, cancellationToken);
    }

    /// <summary>
    /// Stores content staged elsewhere (a resumable upload) with the same name rules, limits and commit
    /// as <see cref="UploadAsync"/>. With a <paramref name="claim"/>, the commit takes over a charge made
    /// earlier instead of charging the quota. Takes ownership of <paramref name="staged"/>.
    /// </summary>
    public async Task<UploadResult> StoreStagedAsync(
        string ownerId, string? name, string? contentType, StagedContent staged, CommitClaim? claim, CancellationToken cancellationToken = default, Placement? placement = null)
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

        return await CommitAsync(ownerId, cleanName!, contentType, staged, claim, placement ?? Placement.Root, cancellationToken);
    }

    /// <summary>
    /// The one commit of an upload. The blob is protected (pending) before it is placed; then one
    /// transaction takes the owner's tree lock, finds the target folder and the name (by the conflict
    /// rule), charges the quota (a conditional update), inserts the row or makes the replaced content a
    /// version, and counts the blob's reference. If that does not happen, the protection ends and the
    /// blob goes unless something uses it.
    /// </summary>
    private async Task<UploadResult> CommitAsync(
        string ownerId, string cleanName, string? contentType, StagedContent staged, CommitClaim? claim, Placement placement, CancellationToken cancellationToken)
    {
        await using (staged)
        {
            // PostgreSQL keeps microseconds: the answer to the upload must equal what a later read returns.
            var now = TruncateToMicroseconds(clock.GetUtcNow());
            var file = new StoredFile
            {
                Id = Ids.Next(clock),
                OwnerId = ownerId,
                Name = cleanName,
                NameKey = NameKeys.For(cleanName),
                ContentType = FileNames.ContentTypeFor(cleanName, contentType),
                Size = staged.Length,
                Sha256 = staged.Sha256,
                CreatedAt = now,
            };

            await ledger.MarkPendingAsync(staged.Sha256, staged.Length, cancellationToken);
            var committed = false;
            List<string> released = [];
            try
            {
                // Not cancellable from here: the upload is either wholly stored or not at all.
                await staged.PlaceAsync(CancellationToken.None);
                await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
                await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
                var quota = await UsageLedger.QuotaAsync(db, ownerId, Settings.DefaultQuotaBytes, CancellationToken.None);
                if (!await TreeLock.TakeAsync(db, ownerId, CancellationToken.None))
                {
                    return new UploadResult.Conflict("The account no longer exists.");
                }

                var (folderId, refusal) = await ResolveFolderAsync(db, ownerId, placement, now);
                if (refusal is not null)
                {
                    return refusal;
                }

                file.FolderId = folderId;
                var replaced = await FindInTheWayAsync(db, file, placement.Conflict);
                if (replaced is UploadResult refused)
                {
                    return refused;
                }

                if (claim is null && !await UsageLedger.TryChargeAsync(db, ownerId, file.Size, quota, CancellationToken.None))
                {
                    return new UploadResult.OverQuota(quota, await UsageLedger.UsedAsync(db, ownerId, CancellationToken.None));
                }

                if (replaced is StoredFile existing)
                {
                    // The file keeps its id, links and place; what it held becomes its newest version.
                    db.FileVersions.Add(new FileVersion
                    {
                        Id = Ids.Next(clock), FileId = existing.Id, OwnerId = ownerId, Size = existing.Size,
                        ContentType = existing.ContentType, Sha256 = existing.Sha256, CreatedAt = existing.CreatedAt, ReplacedAt = now,
                    });
                    existing.Name = file.Name;
                    existing.ContentType = file.ContentType;
                    existing.Size = file.Size;
                    existing.Sha256 = file.Sha256;
                    existing.CreatedAt = now;
                    file = existing;
                }
                else
                {
                    db.Files.Add(file);
                    await ChildCounts.AdjustAsync(db, ownerId, file.FolderId, files: 1, folders: 0, CancellationToken.None);
                }

                if (claim is not null && !await claim(db, file, CancellationToken.None))
                {
                    return new UploadResult.Conflict("The upload was ended while it was being stored.");
                }

                await db.SaveChangesAsync(CancellationToken.None);
                if (!await BlobLedger.ReferenceAsync(db, file.Sha256, CancellationToken.None))
                {
                    throw new InvalidOperationException($"The blob {file.Sha256} lost its row while protected.");
                }

                if (replaced is StoredFile)
                {
                    released = await TrimVersionsAsync(db, file.Id, ownerId, Settings.Files.MaxVersions);
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
            await RemoveUnusedAsync(released);
            await RequestThumbnailAsync(file);
            return new UploadResult.Stored(FileItem.From(file));
        }
    }

    /// <summary>Queues the thumbnail of a stored image; on failure the list asks again when it shows the file.</summary>
    private async Task RequestThumbnailAsync(StoredFile file)
    {
        if (!Thumbnails.ThumbnailMaker.MayHaveThumbnail(file.Name, file.ContentType))
        {
            return;
        }

        try
        {
            await thumbnails.RequestAsync([file.Sha256], CancellationToken.None);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            logger.LogWarning(e, "Could not queue the thumbnail of file {FileId}", file.Id);
        }
    }

    /// <summary>Makes sure the placement's folder is live (creating the folders of its relative path); a refusal when not.</summary>
    private async Task<(Guid? FolderId, UploadResult? Refusal)> ResolveFolderAsync(VaultDbContext db, string ownerId, Placement placement, DateTimeOffset now)
    {
        if (placement.FolderId is { } folderId && await TreeQueries.LiveFolderAsync(db, ownerId, folderId, CancellationToken.None) is null)
        {
            return (null, new UploadResult.FolderNotFound());
        }

        if (TreeQueries.SplitPath(placement.RelativePath) is not { } segments)
        {
            return (null, new UploadResult.InvalidName("Every folder of the path needs a valid name."));
        }

        if (segments.Count == 0)
        {
            return (placement.FolderId, null);
        }

        var made = await TreeQueries.EnsurePathAsync(db, ownerId, placement.FolderId, segments, now, () => Ids.Next(clock), CancellationToken.None);
        return made.Error is { } error ? (null, new UploadResult.NameTaken(error.Message)) : (made.Value!.Id, null);
    }

    /// <summary>
    /// What to do about the name: null when it is free (or a free "name (n)" was given to <paramref name="file"/>),
    /// the live file to replace, or a refusal.
    /// </summary>
    private static async Task<object?> FindInTheWayAsync(VaultDbContext db, StoredFile file, NameConflict conflict)
    {
        if (!await TreeQueries.NameTakenAsync(db, file.OwnerId, file.FolderId, file.NameKey, except: null, CancellationToken.None))
        {
            return null;
        }

        if (conflict == NameConflict.Replace
            && await db.Files.SingleOrDefaultAsync(
                f => f.OwnerId == file.OwnerId && f.FolderId == file.FolderId && f.NameKey == file.NameKey && f.TrashId == null, CancellationToken.None) is { } existing)
        {
            return existing;
        }

        if (conflict == NameConflict.Rename)
        {
            file.Name = await TreeQueries.FreeNameAsync(db, file.OwnerId, file.FolderId, file.Name, except: null, CancellationToken.None);
            file.NameKey = NameKeys.For(file.Name);
            return null;
        }

        return new UploadResult.NameTaken(conflict == NameConflict.Replace
            ? $"A folder named \"{file.Name}\" is already there; a file cannot replace it."
            : $"\"{file.Name}\" is already there.");
    }

    /// <summary>Deletes a file's oldest versions beyond <paramref name="keep"/>, releasing their charge; returns the hashes they used.</summary>
    internal static async Task<List<string>> TrimVersionsAsync(VaultDbContext db, Guid fileId, string ownerId, int keep)
    {
        var excess = await db.FileVersions.Where(v => v.FileId == fileId)
            .OrderByDescending(v => v.Id).Skip(keep)
            .Select(v => new { v.Id, v.Size, v.Sha256 })
            .ToListAsync(CancellationToken.None);
        if (excess.Count == 0)
        {
            return [];
        }

        var ids = excess.Select(v => v.Id).ToList();
        await db.FileVersions.Where(v => ids.Contains(v.Id)).ExecuteDeleteAsync(CancellationToken.None);
        await UsageLedger.ReleaseAsync(db, ownerId, excess.Sum(v => v.Size), CancellationToken.None);
        foreach (var version in excess)
        {
            await BlobLedger.DereferenceAsync(db, version.Sha256, CancellationToken.None);
        }

        return [.. excess.Select(v => v.Sha256).Distinct()];
    }

    /// <summary>Frees the bytes of blobs a change stopped using; the sweep takes whatever cannot go now.</summary>
    internal async Task RemoveUnusedAsync(IEnumerable<string> hashes)
    {
        foreach (var sha256 in hashes)
        {
            try
            {
                await ledger.TryRemoveAsync(sha256, CancellationToken.None);
            }
            catch (Exception e) when (e is IOException or DbUpdateException or InvalidOperationException)
            {
                logger.LogWarning(e, "Could not remove blob {Sha256} yet", sha256);
            }
        }
    }

    /// <summary>The owner's live files in every folder, one page at a time (the trash and versions not included).</summary>
    public async Task<FilePage> ListAsync(string ownerId, FileQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var files = db.Files.AsNoTracking().Where(f => f.OwnerId == ownerId && f.TrashId == null);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            // Keys are folded for every script, so the search is case-insensitive beyond ASCII too.
            var pattern = "%" + EscapeLike(NameKeys.For(query.Search.Trim())) + "%";
            files = files.Where(f => EF.Functions.Like(f.NameKey, pattern, "\\"));
        }

        var total = await files.CountAsync(cancellationToken);
        var items = await Order(files, query.SortBy, query.Descending)
            .Skip(Math.Max(0, query.Skip))
            .Take(Math.Clamp(query.Take, 1, MaxPageSize))
            .Select(f => new FileItem(f.Id, f.Name, f.Size, f.ContentType, f.Sha256, f.CreatedAt, f.FolderId, null))
            .ToListAsync(cancellationToken);
        return new FilePage(items, total);
    }

    internal static IQueryable<StoredFile> Order(IQueryable<StoredFile> files, FileSortColumn column, bool descending) => (column, descending) switch
    {
        (FileSortColumn.Name, false) => files.OrderBy(f => f.NameKey).ThenBy(f => f.Id),
        (FileSortColumn.Name, true) => files.OrderByDescending(f => f.NameKey).ThenByDescending(f => f.Id),
        (FileSortColumn.Size, false) => files.OrderBy(f => f.Size).ThenBy(f => f.Id),
        (FileSortColumn.Size, true) => files.OrderByDescending(f => f.Size).ThenByDescending(f => f.Id),
        (_, false) => files.OrderBy(f => f.Id),
        // Version 7 GUIDs sort by creation time.
        (_, true) => files.OrderByDescending(f => f.Id),
    };

    /// <summary>The owner's live file; null when it is missing, in the trash or another user's.</summary>
    public Task<FileItem?> GetAsync(string ownerId, Guid id, CancellationToken cancellationToken = default) =>
        reads.RowAsync(OwnedLiveFile, (ownerId, id), cancellationToken);

    // Every owner's download asks this: a statement prepared on a warm connection (RowRead, bench/README.md).
    private static readonly RowRead<(string Owner, Guid Id), FileItem> OwnedLiveFile = new(
        sql => $"SELECT {SelectItem(sql)} FROM {sql.Table<StoredFile>()} "
            + $"WHERE {sql.Column<StoredFile>(nameof(StoredFile.Id))} = {sql.Parameter<StoredFile>(nameof(StoredFile.Id))} "
            + $"AND {sql.Column<StoredFile>(nameof(StoredFile.OwnerId))} = {sql.Parameter<StoredFile>(nameof(StoredFile.OwnerId))} "
            + $"AND {sql.Column<StoredFile>(nameof(StoredFile.TrashId))} IS NULL",
        static (values, a) =>
        {
            values.Set(0, a.Id);
            values.Set(1, a.Owner);
        },
        static row => ItemOf(row, 0));

    /// <summary>The columns of a <see cref="FileItem"/> in a <see cref="RowRead{TArg, TResult}"/>'s statement; read back by <see cref="ItemOf"/>.</summary>
    internal static string SelectItem(RowSql sql, string? alias = null) =>
        $"{sql.Select<StoredFile>(nameof(StoredFile.Id), alias)}, {sql.Select<StoredFile>(nameof(StoredFile.Name), alias)}, "
        + $"{sql.Select<StoredFile>(nameof(StoredFile.Size), alias)}, {sql.Select<StoredFile>(nameof(StoredFile.ContentType), alias)}, "
        + $"{sql.Select<StoredFile>(nameof(StoredFile.Sha256), alias)}, {sql.Select<StoredFile>(nameof(StoredFile.CreatedAt), alias)}, "
        + $"{sql.Select<StoredFile>(nameof(StoredFile.FolderId), alias)}";

    /// <summary>The <see cref="FileItem"/> whose columns (<see cref="SelectItem"/>) start at <paramref name="start"/>.</summary>
    internal static FileItem ItemOf(Row row, int start) => new(
        row.Get<Guid>(start), row.Get<string>(start + 1), row.Get<long>(start + 2), row.Get<string>(start + 3), row.Get<string>(start + 4),
        row.Get<DateTimeOffset>(start + 5), row.GetOrNull<Guid>(start + 6), null);

    /// <summary>The owner's file and a way to read its bytes; null when it is not the owner's or does not exist.</summary>
    public async Task<FileContent?> OpenAsync(string ownerId, Guid id, CancellationToken cancellationToken = default)
    {
        var file = await GetAsync(ownerId, id, cancellationToken);
        return file is null ? null : ContentOf(file);
    }

    /// <summary>
    /// <see cref="OpenAsync"/> and the owner's <see cref="UserStanding"/> in one statement, for a token whose user check
    /// was left to this read (<see cref="TokenUserChecks"/>). Standing null: the user is gone (and so is the file).
    /// </summary>
    public async Task<(UserStanding? Standing, FileContent? Content)> OpenWithStandingAsync(string ownerId, Guid id, CancellationToken cancellationToken = default)
    {
        var found = await reads.RowAsync(StandingAndOwnedLiveFile, (ownerId, id), cancellationToken);
        return (found?.Standing, found?.File is { } file ? ContentOf(file) : null);
    }

    private sealed record StandingAndFile(UserStanding Standing, FileItem? File);

    // The user's row, and the file's when it is theirs and live: one statement for a bearer download (OwnedLiveFile's conditions).
    private static readonly RowRead<(string Owner, Guid Id), StandingAndFile> StandingAndOwnedLiveFile = new(
        sql => $"SELECT {UserStandings.Select(sql, "u")}, {SelectItem(sql, "f")} "
            + $"FROM {sql.Table<VaultUser>("u")} LEFT JOIN {sql.Table<StoredFile>("f")} "
            + $"ON {sql.Column<StoredFile>(nameof(StoredFile.Id), "f")} = {sql.Parameter<StoredFile>(nameof(StoredFile.Id))} "
            + $"AND {sql.Column<StoredFile>(nameof(StoredFile.OwnerId), "f")} = {sql.Column<VaultUser>(nameof(VaultUser.Id), "u")} "
            + $"AND {sql.Column<StoredFile>(nameof(StoredFile.TrashId), "f")} IS NULL "
            + $"WHERE {sql.Column<VaultUser>(nameof(VaultUser.Id), "u")} = {sql.Parameter<VaultUser>(nameof(VaultUser.Id))}",
        static (values, a) =>
        {
            values.Set(0, a.Id);
            values.Set(1, a.Owner);
        },
        static row => new StandingAndFile(UserStandings.Of(row, 0), row.GetOrNull<Guid>(3) is null ? null : ItemOf(row, 3)));

    /// <summary>
    /// Opens any live file by id, whoever owns it: only for callers that checked their own permission
    /// (share links). A file in the trash is not found, and is found again once restored.
    /// </summary>
    public async Task<FileContent?> OpenForSharingAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var file = await db.Files.AsNoTracking()
            .Where(f => f.Id == id && f.TrashId == null)
            .Select(f => new FileItem(f.Id, f.Name, f.Size, f.ContentType, f.Sha256, f.CreatedAt, f.FolderId, null))
            .SingleOrDefaultAsync(cancellationToken);
        return file is null ? null : ContentOf(file);
    }

    /// <summary>
    /// Deletes a file for good, skipping the trash (an upload undone, say): the row, its versions, their
    /// charge and blob references in one transaction; then blobs go if nothing else uses them.
    /// </summary>
    public async Task<bool> DeleteForeverAsync(string ownerId, Guid id, CancellationToken cancellationToken = default)
    {
        List<string> hashes;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            if (!await TreeLock.TakeAsync(db, ownerId, CancellationToken.None)
                || await db.Files.AsNoTracking().Where(f => f.Id == id && f.OwnerId == ownerId).Select(f => new { f.Sha256, f.Size, f.FolderId, f.TrashId })
                    .SingleOrDefaultAsync(CancellationToken.None) is not { } file)
            {
                return false;
            }

            hashes = await TrimVersionsAsync(db, id, ownerId, keep: 0);
            await db.Files.Where(f => f.Id == id).ExecuteDeleteAsync(CancellationToken.None);
            if (file.TrashId is null)
            {
                await ChildCounts.AdjustAsync(db, ownerId, file.FolderId, files: -1, folders: 0, CancellationToken.None);
            }

            await UsageLedger.ReleaseAsync(db, ownerId, file.Size, CancellationToken.None);
            await BlobLedger.DereferenceAsync(db, file.Sha256, CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
            hashes.Add(file.Sha256);
        }

        logger.LogInformation("Deleted file {FileId} of {OwnerId} for good", id, ownerId);
        await RemoveUnusedAsync(hashes.Distinct());
        return true;
    }

    /// <summary>What the owner's storage is charged with (files and unfinished uploads) against their quota.</summary>
    public async Task<StorageUsage> GetUsageAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return new StorageUsage(
            await UsageLedger.UsedAsync(db, ownerId, cancellationToken),
            await UsageLedger.QuotaAsync(db, ownerId, Settings.DefaultQuotaBytes, cancellationToken));
    }

    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset time) =>
        time.AddTicks(-(time.Ticks % TimeSpan.TicksPerMicrosecond));

    /// <summary>A file (or a version, under its file's name) with the way to its bytes: a local path where the store has one.</summary>
    internal FileContent ContentOf(FileItem file) =>
        new(file, (blobs as IPhysicalBlobFiles)?.GetPhysicalPath(file.Sha256), cancellationToken => blobs.OpenReadAsync(file.Sha256, cancellationToken))
        {
            RedirectUrl = () => (blobs as IPresignedBlobUrls)?.GetDownloadUrl(file.Sha256, file.Name, file.ContentType),
            BlobRelativePath = (blobs as IPhysicalBlobFiles)?.GetRelativePath(file.Sha256),
        };

    internal static string EscapeLike(string term) =>
        term.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);
}
