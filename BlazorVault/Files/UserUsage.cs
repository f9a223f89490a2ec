using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Files;

/// <summary>
/// What a user's storage is charged with: their files' sizes plus the declared lengths of their
/// unfinished resumable uploads. Changed only by the conditional statements of <see cref="UsageLedger"/>,
/// in the transactions that add or remove what is charged.
/// </summary>
public sealed class UserUsage
{
    public required string UserId { get; set; }

    public long UsedBytes { get; set; }

    /// <summary>Live files in the root, as <see cref="Tree.ChildCounts"/> keeps them.</summary>
    public int RootFileCount { get; set; }

    /// <summary>Live folders in the root, as <see cref="Tree.ChildCounts"/> keeps them.</summary>
    public int RootFolderCount { get; set; }
}

/// <summary>The statements that change <see cref="UserUsage"/>; each runs inside the caller's transaction.</summary>
public static class UsageLedger
{
    /// <summary>
    /// Charges <paramref name="bytes"/> if they fit under <paramref name="quotaBytes"/>: one conditional
    /// update, so two uploads (on any process) can never both take the last free bytes.
    /// </summary>
    public static async Task<bool> TryChargeAsync(VaultDbContext db, string userId, long bytes, long quotaBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await EnsureRowAsync(db, userId, cancellationToken);
        return await db.Usage
            .Where(u => u.UserId == userId && u.UsedBytes + bytes <= quotaBytes)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.UsedBytes, u => u.UsedBytes + bytes), cancellationToken) == 1;
    }

    /// <summary>The row appears on first use; only for a user that exists, so a stale token cannot create one.</summary>
    public static Task EnsureRowAsync(VaultDbContext db, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "Usage" ("UserId", "UsedBytes")
            SELECT {userId}, 0 WHERE EXISTS (SELECT 1 FROM "AspNetUsers" WHERE "Id" = {userId})
            ON CONFLICT ("UserId") DO NOTHING
            """,
            cancellationToken);
    }

    public static Task ReleaseAsync(VaultDbContext db, string userId, long bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Usage.Where(u => u.UserId == userId).ExecuteUpdateAsync(
            set => set.SetProperty(u => u.UsedBytes, u => u.UsedBytes > bytes ? u.UsedBytes - bytes : 0), cancellationToken);
    }

    /// <summary>The user's quota: their own (set by an admin, or by their invite), else <paramref name="defaultQuota"/>.</summary>
    public static async Task<long> QuotaAsync(VaultDbContext db, string userId, long defaultQuota, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.Users.Where(u => u.Id == userId).Select(u => u.QuotaBytes).SingleOrDefaultAsync(cancellationToken) ?? defaultQuota;
    }

    public static async Task<long> UsedAsync(VaultDbContext db, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.Usage.Where(u => u.UserId == userId).Select(u => (long?)u.UsedBytes).SingleOrDefaultAsync(cancellationToken) ?? 0;
    }
}
