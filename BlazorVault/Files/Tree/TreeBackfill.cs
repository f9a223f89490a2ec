using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Files.Tree;

/// <summary>
/// Completes the Folders migration for files stored before folders existed: each gets its folded
/// name key, and names the old flat list held twice get numbers ("report (2).pdf"), oldest first,
/// so that every name in the root is unique. Runs at start, after the migrations; does nothing once done.
/// </summary>
public static class TreeBackfill
{
    /// <summary>The migration's stand-in key: the control character no clean name holds, then the id.</summary>
    public const string PendingMark = "\u0001";

    public static async Task<int> RunAsync(VaultDbContext db, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var owners = await db.Files.Where(f => f.NameKey.StartsWith(PendingMark)).Select(f => f.OwnerId).Distinct().ToListAsync(cancellationToken);
        var done = 0;
        foreach (var owner in owners)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await TreeLock.TakeAsync(db, owner, cancellationToken);
            var files = await db.Files.Where(f => f.OwnerId == owner).OrderBy(f => f.Id).ToListAsync(cancellationToken);
            var taken = files.Where(f => !f.NameKey.StartsWith(PendingMark, StringComparison.Ordinal) && f.TrashId == null)
                .Select(f => (f.FolderId, f.NameKey)).ToHashSet();
            foreach (var file in files.Where(f => f.NameKey.StartsWith(PendingMark, StringComparison.Ordinal)))
            {
                var name = NameKeys.FirstFree(file.Name, key => taken.Contains((file.FolderId, key)));
                if (name != file.Name)
                {
                    logger.LogInformation("File {FileId} is renamed {Name}: its name was taken in its folder", file.Id, name);
                }

                file.Name = name;
                file.NameKey = NameKeys.For(name);
                taken.Add((file.FolderId, file.NameKey));
                done++;
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        return done;
    }
}
