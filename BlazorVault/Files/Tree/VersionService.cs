using BlazorVault.Data;
using BlazorVault.Storage;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Files.Tree;

/// <summary>
/// The earlier contents of a file (kept when an upload replaced it): list, download, restore, delete.
/// Versions count toward the quota; their bytes are shared with any file or version of the same content.
/// </summary>
public sealed class VersionService(
    IDbContextFactory<VaultDbContext> dbFactory, FileService files, TimeProvider clock, ILogger<VersionService> logger)
{
    /// <summary>The versions of the owner's live file, newest first; null when the file is not found.</summary>
    public async Task<IReadOnlyList<VersionItem>?> ListAsync(string ownerId, Guid fileId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Files.AnyAsync(f => f.Id == fileId && f.OwnerId == ownerId && f.TrashId == null, cancellationToken))
        {
            return null;
        }

        return await db.FileVersions.AsNoTracking()
            .Where(v => v.FileId == fileId && v.OwnerId == ownerId)
            .OrderByDescending(v => v.Id)
            .Select(v => new VersionItem(v.Id, v.FileId, v.Size, v.ContentType, v.Sha256, v.CreatedAt, v.ReplacedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>A version's bytes under its file's name; null when either is not found.</summary>
    public async Task<FileContent?> OpenAsync(string ownerId, Guid fileId, Guid versionId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await db.FileVersions.AsNoTracking()
            .Where(v => v.Id == versionId && v.FileId == fileId && v.OwnerId == ownerId)
            .Join(db.Files.Where(f => f.TrashId == null), v => v.FileId, f => f.Id, (v, f) => new FileItem(v.Id, f.Name, v.Size, v.ContentType, v.Sha256, v.CreatedAt, f.FolderId, null))
            .SingleOrDefaultAsync(cancellationToken);
        return found is null ? null : files.ContentOf(found);
    }

    /// <summary>
    /// Makes a version the file's content again; the content it replaces becomes the newest version, so
    /// nothing is lost and the usage does not change.
    /// </summary>
    public async Task<FileItem?> RestoreAsync(string ownerId, Guid fileId, Guid versionId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await TreeLock.TakeAsync(db, ownerId, cancellationToken)
            || await db.Files.SingleOrDefaultAsync(f => f.Id == fileId && f.OwnerId == ownerId && f.TrashId == null, cancellationToken) is not { } file
            || await db.FileVersions.SingleOrDefaultAsync(v => v.Id == versionId && v.FileId == fileId, cancellationToken) is not { } version)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        db.FileVersions.Add(new FileVersion
        {
            Id = Ids.Next(clock), FileId = file.Id, OwnerId = ownerId, Size = file.Size,
            ContentType = file.ContentType, Sha256 = file.Sha256, CreatedAt = file.CreatedAt, ReplacedAt = now,
        });
        db.FileVersions.Remove(version);
        file.Size = version.Size;
        file.Sha256 = version.Sha256;
        file.ContentType = version.ContentType;
        file.CreatedAt = version.CreatedAt;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Restored version {VersionId} of file {FileId}", versionId, fileId);
        return FileItem.From(file);
    }

    /// <summary>Deletes one version for good: its charge released, its bytes freed unless something else uses them.</summary>
    public async Task<bool> DeleteAsync(string ownerId, Guid fileId, Guid versionId, CancellationToken cancellationToken = default)
    {
        string sha256;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (!await TreeLock.TakeAsync(db, ownerId, cancellationToken)
                || await db.FileVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == versionId && v.FileId == fileId && v.OwnerId == ownerId, cancellationToken) is not { } version
                || !await db.Files.AnyAsync(f => f.Id == fileId && f.TrashId == null, cancellationToken))
            {
                return false;
            }

            await db.FileVersions.Where(v => v.Id == versionId).ExecuteDeleteAsync(cancellationToken);
            await UsageLedger.ReleaseAsync(db, ownerId, version.Size, cancellationToken);
            await BlobLedger.DereferenceAsync(db, version.Sha256, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            sha256 = version.Sha256;
        }

        await files.RemoveUnusedAsync([sha256]);
        return true;
    }
}
