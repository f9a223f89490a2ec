using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Files.Tree;
using BlazorVault.Storage;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Admin;

/// <summary>What deleting an account did.</summary>
public enum AccountDeletionOutcome
{
    Deleted,
    NotFound,

    /// <summary>The account is the last enabled admin: the instance would have nobody to run it.</summary>
    LastAdmin,
}

public sealed record AccountDeletionResult(AccountDeletionOutcome Outcome, int Files = 0, long Bytes = 0);

/// <summary>
/// Deletes an account with everything it owns: files (trashed too) and their versions, folders, share
/// links, sessions, unfinished uploads and their staged bytes, usage, preferences. One transaction, a
/// statement per table, as a trash purge does: each blob's reference count drops by how many of the
/// account's rows used it, so the blob sweep removes the blobs nobody else uses and keeps the shared ones.
/// </summary>
public sealed class AccountDeletion(
    IDbContextFactory<VaultDbContext> databases,
    AdminAccess admins,
    FileService files,
    IResumableStaging staging,
    ILogger<AccountDeletion> logger)
{
    /// <summary>Blobs removed at once; the sweep removes the rest.</summary>
    private const int InlineBlobRemovals = 64;

    public async Task<AccountDeletionResult> DeleteAsync(string userId, CancellationToken cancellationToken = default)
    {
        List<string> hashes;
        List<string> uploads;
        int fileCount;
        long bytes;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await AdminAccess.TakeLockAsync(db, cancellationToken);
            // The owner's uploads and tree changes wait for this transaction, and find the account gone after it.
            if (!await TreeLock.TakeAsync(db, userId, cancellationToken))
            {
                return new AccountDeletionResult(AccountDeletionOutcome.NotFound);
            }

            if (await db.Users.Where(admins.IsAdmin).AnyAsync(u => u.Id == userId, cancellationToken)
                && !await admins.AnotherAdminAsync(db, userId, cancellationToken))
            {
                return new AccountDeletionResult(AccountDeletionOutcome.LastAdmin);
            }

            var owned = db.Files.Where(f => f.OwnerId == userId);
            var versions = db.FileVersions.Where(v => v.OwnerId == userId || owned.Any(f => f.Id == v.FileId));
            fileCount = await owned.CountAsync(cancellationToken);
            bytes = (await owned.SumAsync(f => (long?)f.Size, cancellationToken) ?? 0)
                + (await versions.SumAsync(v => (long?)v.Size, cancellationToken) ?? 0);
            hashes = await owned.Select(f => f.Sha256).Union(versions.Select(v => v.Sha256)).OrderBy(h => h).Take(InlineBlobRemovals).ToListAsync(cancellationToken);
            await db.Blobs.Where(b => owned.Any(f => f.Sha256 == b.Sha256) || versions.Any(v => v.Sha256 == b.Sha256)).ExecuteUpdateAsync(
                set => set.SetProperty(
                    b => b.RefCount,
                    b => b.RefCount - owned.Count(f => f.Sha256 == b.Sha256) - versions.Count(v => v.Sha256 == b.Sha256)),
                cancellationToken);

            uploads = await db.Uploads.Where(u => u.OwnerId == userId && u.FileId == null).Select(u => u.Id).ToListAsync(cancellationToken);
            await db.Uploads.Where(u => u.OwnerId == userId).ExecuteDeleteAsync(cancellationToken);
            // Explicitly rather than by the cascades, which would also take them: the statements say what goes.
            await db.ShareLinks.Where(l => owned.Any(f => f.Id == l.FileId)).ExecuteDeleteAsync(cancellationToken);
            await versions.ExecuteDeleteAsync(cancellationToken);
            await owned.ExecuteDeleteAsync(cancellationToken);
            await db.Folders.Where(f => f.OwnerId == userId).ExecuteDeleteAsync(cancellationToken);
            await db.Sessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(cancellationToken);
            await db.Preferences.Where(p => p.UserId == userId).ExecuteDeleteAsync(cancellationToken);
            await db.Usage.Where(u => u.UserId == userId).ExecuteDeleteAsync(cancellationToken);
            // Identity's own rows (claims, logins, tokens) go by their cascades.
            await db.Users.Where(u => u.Id == userId).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        logger.LogInformation("Deleted account {UserId} with {Files} files ({Bytes} bytes)", userId, fileCount, bytes);
        foreach (var upload in uploads)
        {
            try
            {
                await staging.DeleteAsync(upload, CancellationToken.None);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or Amazon.Runtime.AmazonServiceException)
            {
                // Without its row the staging is an orphan, which the upload sweep removes.
                logger.LogWarning(e, "Could not remove the staged bytes of upload {UploadId} yet", upload);
            }
        }

        await files.RemoveUnusedAsync(hashes);
        return new AccountDeletionResult(AccountDeletionOutcome.Deleted, fileCount, bytes);
    }
}
