using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Files.Tree;

/// <summary>
/// The counts of a folder's children (<see cref="Folder.FileCount"/>, <see cref="Folder.FolderCount"/>; the
/// root's on the owner's <see cref="UserUsage"/> row), so that a folder's page says "of N" without counting
/// its rows. Changed only here, inside the transaction that adds, moves, trashes, restores or deletes the
/// child, under the owner's <see cref="TreeLock"/>. A folder counts the children that share its trash state:
/// its live children while it is live; in the trash, those that went with it and come back with it.
/// <see cref="Storage.ConsistencyCheck"/> recounts them.
/// </summary>
public static class ChildCounts
{
    public static Task AdjustAsync(VaultDbContext db, string ownerId, Guid? folderId, int files, int folders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (files == 0 && folders == 0)
        {
            return Task.CompletedTask;
        }

        return folderId is { } id
            ? db.Folders.Where(f => f.Id == id && f.OwnerId == ownerId).ExecuteUpdateAsync(
                set => set.SetProperty(f => f.FileCount, f => f.FileCount + files).SetProperty(f => f.FolderCount, f => f.FolderCount + folders),
                cancellationToken)
            : db.Usage.Where(u => u.UserId == ownerId).ExecuteUpdateAsync(
                set => set.SetProperty(u => u.RootFileCount, u => u.RootFileCount + files).SetProperty(u => u.RootFolderCount, u => u.RootFolderCount + folders),
                cancellationToken);
    }

    /// <summary>One child moved from one folder to another (either may be the root).</summary>
    public static async Task MoveAsync(VaultDbContext db, string ownerId, Guid? from, Guid? to, EntryKind kind, CancellationToken cancellationToken)
    {
        if (from == to)
        {
            return;
        }

        var (files, folders) = kind == EntryKind.File ? (1, 0) : (0, 1);
        await AdjustAsync(db, ownerId, from, -files, -folders, cancellationToken);
        await AdjustAsync(db, ownerId, to, files, folders, cancellationToken);
    }

    /// <summary>(files, folders) directly in the folder (null: the root) as counted; null when the owner has no such live folder.</summary>
    public static async Task<(int Files, int Folders)?> OfAsync(VaultDbContext db, string ownerId, Guid? folderId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (folderId is { } id)
        {
            var folder = await db.Folders.AsNoTracking().Where(f => f.Id == id && f.OwnerId == ownerId && f.TrashId == null)
                .Select(f => new { f.FileCount, f.FolderCount }).SingleOrDefaultAsync(cancellationToken);
            return folder is null ? null : (folder.FileCount, folder.FolderCount);
        }

        var root = await db.Usage.AsNoTracking().Where(u => u.UserId == ownerId)
            .Select(u => new { u.RootFileCount, u.RootFolderCount }).SingleOrDefaultAsync(cancellationToken);
        return root is null ? (0, 0) : (root.RootFileCount, root.RootFolderCount);
    }

    /// <summary>
    /// Sets every kept count from the rows (the migration that added them), giving a usage row (charged 0, as a
    /// missing row is) to any owner without one: plain SQL that SQLite and PostgreSQL both run.
    /// </summary>
    public const string BackfillSql =
        """
        INSERT INTO "Usage" ("UserId", "UsedBytes", "RootFileCount", "RootFolderCount")
        SELECT u."Id", 0, 0, 0 FROM "AspNetUsers" AS u
        WHERE NOT EXISTS (SELECT 1 FROM "Usage" AS g WHERE g."UserId" = u."Id")
            AND (EXISTS (SELECT 1 FROM "Files" AS f WHERE f."OwnerId" = u."Id") OR EXISTS (SELECT 1 FROM "Folders" AS f WHERE f."OwnerId" = u."Id"));
        UPDATE "Folders" SET
            "FileCount" = (SELECT COUNT(*) FROM "Files" AS c WHERE c."FolderId" = "Folders"."Id"
                AND (c."TrashId" = "Folders"."TrashId" OR (c."TrashId" IS NULL AND "Folders"."TrashId" IS NULL))),
            "FolderCount" = (SELECT COUNT(*) FROM "Folders" AS c WHERE c."ParentId" = "Folders"."Id"
                AND (c."TrashId" = "Folders"."TrashId" OR (c."TrashId" IS NULL AND "Folders"."TrashId" IS NULL)));
        UPDATE "Usage" SET
            "RootFileCount" = (SELECT COUNT(*) FROM "Files" AS c WHERE c."OwnerId" = "Usage"."UserId" AND c."FolderId" IS NULL AND c."TrashId" IS NULL),
            "RootFolderCount" = (SELECT COUNT(*) FROM "Folders" AS c WHERE c."OwnerId" = "Usage"."UserId" AND c."ParentId" IS NULL AND c."TrashId" IS NULL);
        """;
}
