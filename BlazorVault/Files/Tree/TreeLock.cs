using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Files.Tree;

/// <summary>
/// Serialises the changes to one owner's tree (names, moves, trash, uploads' placement) across
/// requests and instances: the first statement of each such transaction writes the owner's usage row,
/// which holds a row lock on PostgreSQL and the write lock on SQLite until the transaction ends.
/// Every check that follows (a name is free, a move makes no cycle, a folder is live) is then
/// current until the commit.
/// </summary>
public static class TreeLock
{
    /// <summary>Takes the owner's tree lock inside <paramref name="db"/>'s open transaction; false when the owner does not exist.</summary>
    public static async Task<bool> TakeAsync(VaultDbContext db, string ownerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The tree lock lives as long as a transaction: begin one first.");
        }

        if (await TouchAsync(db, ownerId, cancellationToken))
        {
            return true;
        }

        await UsageLedger.EnsureRowAsync(db, ownerId, cancellationToken);
        return await TouchAsync(db, ownerId, cancellationToken);
    }

    private static async Task<bool> TouchAsync(VaultDbContext db, string ownerId, CancellationToken cancellationToken) =>
        await db.Usage.Where(u => u.UserId == ownerId)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.UsedBytes, u => u.UsedBytes), cancellationToken) == 1;
}
