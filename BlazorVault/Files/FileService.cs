using BlazorVault.Data;
using BlazorVault.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Files;

/// <summary>
/// The one place that reads and changes files: every call names the owner, and a file that is not
/// the owner's behaves exactly like one that does not exist. Limits are enforced while streaming.
/// </summary>
public sealed class FileService(
    IDbContextFactory<VaultDbContext> dbFactory,
    IBlobStore blobs,
    IOptions<VaultOptions> options,
    TimeProvider clock,
    ILogger<FileService> logger)
{
    public const int MaxPageSize = 500;

    // Serializes the quota check with the insert: two uploads cannot both fit into the last free bytes.
    private static readonly SemaphoreSlim CommitGate = new(1, 1);

    private VaultOptions Settings => options.Value;

    public async Task<UploadResult> UploadAsync(
        string ownerId, string? name, string? contentType, Stream content,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        var cleanName = FileNames.Sanitize(name);
        if (cleanName is null)
        {
            return new UploadResult.InvalidName("The file needs a name.");
        }

        var usage = await GetUsageAsync(ownerId, cancellationToken);
        var remaining = Math.Max(0, usage.QuotaBytes - usage.UsedBytes);
        var limit = Math.Min(Settings.MaxUploadBytes, remaining);

        StagedBlob staged;
        try
        {
            staged = await blobs.WriteAsync(content, limit, progress, cancellationToken);
        }
        catch (BlobTooLargeException)
        {
            return limit < Settings.MaxUploadBytes
                ? new UploadResult.OverQuota(usage.QuotaBytes, usage.UsedBytes)
                : new UploadResult.TooLarge(Settings.MaxUploadBytes);
        }

        return await CommitAsync(ownerId, cleanName, contentType, staged, usage.QuotaBytes, cancellationToken);
    }

    /// <summary>
    /// Stores a file whose bytes were staged elsewhere (a resumable upload): the same name rules,
    /// limits, quota check and clean-up as <see cref="UploadAsync"/>. Takes ownership of <paramref name="staged"/>:
    /// when nothing is stored, its blob goes unless another file uses it.
    /// </summary>
    public async Task<UploadResult> StoreStagedAsync(
        string ownerId, string? name, string? contentType, StagedBlob staged, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        ArgumentNullException.ThrowIfNull(staged);
        var cleanName = FileNames.Sanitize(name);
        UploadResult? refused = cleanName is null ? new UploadResult.InvalidName("The file needs a name.")
            : staged.Length > Settings.MaxUploadBytes ? new UploadResult.TooLarge(Settings.MaxUploadBytes)
            : null;
        if (refused is not null)
        {
            await DeleteBlobIfUnusedAsync(staged.Sha256, releaseFirst: staged);
            return refused;
        }

        return await CommitAsync(ownerId, cleanName!, contentType, staged, Settings.DefaultQuotaBytes, cancellationToken);
    }

    /// <summary>The one commit of an upload: quota check and row insert under the gate; the blob goes if that fails.</summary>
    private async Task<UploadResult> CommitAsync(
        string ownerId, string cleanName, string? contentType, StagedBlob staged, long quotaBytes, CancellationToken cancellationToken)
    {
        using (staged)
        {
            var committed = false;
            try
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

                await CommitGate.WaitAsync(cancellationToken);
                try
                {
                    await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                    var used = await UsedBytesAsync(db, ownerId, cancellationToken);
                    if (used + file.Size > quotaBytes)
                    {
                        return new UploadResult.OverQuota(quotaBytes, used);
                    }

                    db.Files.Add(file);
                    // Not cancellable: past this point the upload is either wholly stored or not at all.
                    await db.SaveChangesAsync(CancellationToken.None);
                    committed = true;
                }
                finally
                {
                    CommitGate.Release();
                }

                logger.LogInformation("Stored file {FileId} ({Size} bytes) for {OwnerId}", file.Id, file.Size, ownerId);
                return new UploadResult.Stored(FileItem.From(file));
            }
            finally
            {
                if (!committed)
                {
                    await DeleteBlobIfUnusedAsync(staged.Sha256, releaseFirst: staged);
                }
            }
        }
    }

    public async Task<FilePage> ListAsync(string ownerId, FileQuery query, CancellationToken cancellationToken = default)
    {
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

    public async Task<bool> DeleteAsync(string ownerId, Guid id, CancellationToken cancellationToken = default)
    {
        string sha256;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var file = await db.Files.SingleOrDefaultAsync(f => f.Id == id && f.OwnerId == ownerId, cancellationToken);
            if (file is null)
            {
                return false;
            }

            sha256 = file.Sha256;
            db.Files.Remove(file);
            await db.SaveChangesAsync(CancellationToken.None);
        }

        logger.LogInformation("Deleted file {FileId} of {OwnerId}", id, ownerId);
        await DeleteBlobIfUnusedAsync(sha256, releaseFirst: null);
        return true;
    }

    public async Task<StorageUsage> GetUsageAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return new StorageUsage(await UsedBytesAsync(db, ownerId, cancellationToken), Settings.DefaultQuotaBytes);
    }

    /// <summary>Of the given hashes, those that some file row still references (for the blob sweep).</summary>
    public async Task<IReadOnlySet<string>> FindReferencedAsync(IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await db.Files.Where(f => hashes.Contains(f.Sha256)).Select(f => f.Sha256).Distinct().ToListAsync(cancellationToken);
        return found.ToHashSet(StringComparer.Ordinal);
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
        new(file, blobs.GetPhysicalPath(file.Sha256), () => blobs.OpenRead(file.Sha256));

    private static async Task<long> UsedBytesAsync(VaultDbContext db, string ownerId, CancellationToken cancellationToken) =>
        await db.Files.Where(f => f.OwnerId == ownerId).SumAsync(f => (long?)f.Size, cancellationToken) ?? 0;

    private async Task DeleteBlobIfUnusedAsync(string sha256, StagedBlob? releaseFirst)
    {
        // Release our own protection first, then take the time before looking for references.
        releaseFirst?.Dispose();
        var lookedAt = DateTime.UtcNow;
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        if (!await db.Files.AnyAsync(f => f.Sha256 == sha256, CancellationToken.None))
        {
            await blobs.DeleteIfUnusedAsync(sha256, lookedAt, CancellationToken.None);
        }
    }

    private static string EscapeLike(string term) =>
        term.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);
}
