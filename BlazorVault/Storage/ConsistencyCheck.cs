using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Storage;

/// <summary>What <see cref="ConsistencyCheck"/> found (and, when asked to, repaired).</summary>
/// <param name="WrongReferenceCounts">Blobs whose reference count differs from the file rows that use them.</param>
/// <param name="MissingBlobRows">Hashes used by file rows that have no blob row.</param>
/// <param name="MissingBytes">Hashes used by file rows whose bytes the store does not have: not repairable.</param>
/// <param name="WrongUsage">Users whose charged usage differs from their files plus their unfinished uploads.</param>
/// <param name="WrongChildCounts">Folders (by id; a user's root by user id) whose kept child counts differ from their children.</param>
public sealed record ConsistencyReport(
    IReadOnlyList<string> WrongReferenceCounts,
    IReadOnlyList<string> MissingBlobRows,
    IReadOnlyList<string> MissingBytes,
    IReadOnlyList<string> WrongUsage,
    IReadOnlyList<string> WrongChildCounts)
{
    public bool IsConsistent => WrongReferenceCounts.Count + MissingBlobRows.Count + MissingBytes.Count + WrongUsage.Count + WrongChildCounts.Count == 0;

    public override string ToString() => IsConsistent
        ? "consistent"
        : $"{WrongReferenceCounts.Count} wrong reference counts, {MissingBlobRows.Count} missing blob rows, "
          + $"{MissingBytes.Count} files without bytes ({string.Join(", ", MissingBytes.Take(10))}), {WrongUsage.Count} wrong usage totals, {WrongChildCounts.Count} wrong child counts";
}

/// <summary>
/// Compares what the database counts with what it holds: blob reference counts against the file and version rows,
/// usage against files (the trash too), versions and unfinished uploads, file rows against the store's bytes. Repairs the counts
/// when asked (they are derived data); a file whose bytes are gone can only be reported. Unused blobs
/// are not its business: the sweep removes them. Run it with the app stopped or idle: an upload that
/// commits while it counts may show as a difference.
/// </summary>
public sealed class ConsistencyCheck(IDbContextFactory<VaultDbContext> dbFactory, IBlobStore store)
{
    public async Task<ConsistencyReport> RunAsync(bool repair, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // A blob is referenced once per file row and once per kept version that holds it.
        var used = (await db.Files.Select(f => new { f.Sha256, f.Size })
                .Concat(db.FileVersions.Select(v => new { v.Sha256, v.Size }))
                .GroupBy(f => f.Sha256)
                .Select(g => new { Sha256 = g.Key, Count = g.LongCount(), Size = g.Max(f => f.Size) })
                .ToListAsync(cancellationToken))
            .ToDictionary(g => g.Sha256);
        var rows = await db.Blobs.AsNoTracking().ToDictionaryAsync(b => b.Sha256, cancellationToken);

        var wrongCounts = rows.Values
            .Where(b => b.RefCount != (used.TryGetValue(b.Sha256, out var u) ? u.Count : 0))
            .Select(b => b.Sha256)
            .ToList();
        var missingRows = used.Keys.Where(h => !rows.ContainsKey(h)).ToList();
        var missingBytes = new List<string>();
        foreach (var sha256 in used.Keys)
        {
            await using var bytes = await store.OpenReadAsync(sha256, cancellationToken);
            if (bytes is null)
            {
                missingBytes.Add(sha256);
            }
        }

        // Files in the trash and kept versions count toward the quota like live files.
        var files = (await db.Files.Select(f => new { f.OwnerId, f.Size })
                .Concat(db.FileVersions.Select(v => new { v.OwnerId, v.Size }))
                .GroupBy(f => f.OwnerId).Select(g => new { g.Key, Bytes = g.Sum(f => f.Size) })
                .ToListAsync(cancellationToken))
            .ToDictionary(g => g.Key, g => g.Bytes);
        var reserved = await db.Uploads.Where(u => u.FileId == null).GroupBy(u => u.OwnerId).Select(g => new { g.Key, Bytes = g.Sum(u => u.Length) }).ToDictionaryAsync(g => g.Key, g => g.Bytes, cancellationToken);
        var users = await db.Users.Select(u => u.Id).ToListAsync(cancellationToken);
        var charged = await db.Usage.AsNoTracking().ToDictionaryAsync(u => u.UserId, u => u.UsedBytes, cancellationToken);
        var expected = users.ToDictionary(u => u, u => files.GetValueOrDefault(u) + reserved.GetValueOrDefault(u));
        var wrongUsage = expected.Where(e => charged.GetValueOrDefault(e.Key) != e.Value).Select(e => e.Key).ToList();

        // A folder counts the children in its own trash state (ChildCounts); the root, its owner's live children.
        var fileGroups = await db.Files.GroupBy(f => new { f.OwnerId, f.FolderId, f.TrashId })
            .Select(g => new { g.Key.OwnerId, g.Key.FolderId, g.Key.TrashId, Count = g.Count() }).ToListAsync(cancellationToken);
        var folderGroups = await db.Folders.GroupBy(f => new { f.OwnerId, f.ParentId, f.TrashId })
            .Select(g => new { g.Key.OwnerId, g.Key.ParentId, g.Key.TrashId, Count = g.Count() }).ToListAsync(cancellationToken);
        var filesIn = fileGroups.Where(g => g.FolderId is not null).ToDictionary(g => (g.FolderId!.Value, g.TrashId), g => g.Count);
        var foldersIn = folderGroups.Where(g => g.ParentId is not null).ToDictionary(g => (g.ParentId!.Value, g.TrashId), g => g.Count);
        var rootFiles = fileGroups.Where(g => g.FolderId is null && g.TrashId is null).ToDictionary(g => g.OwnerId, g => g.Count);
        var rootFolders = folderGroups.Where(g => g.ParentId is null && g.TrashId is null).ToDictionary(g => g.OwnerId, g => g.Count);
        var folderCounts = await db.Folders.AsNoTracking().Select(f => new { f.Id, f.TrashId, f.FileCount, f.FolderCount }).ToListAsync(cancellationToken);
        var wrongFolders = folderCounts
            .Select(f => (f.Id, Files: filesIn.GetValueOrDefault((f.Id, f.TrashId)), Folders: foldersIn.GetValueOrDefault((f.Id, f.TrashId)), f.FileCount, f.FolderCount))
            .Where(f => f.Files != f.FileCount || f.Folders != f.FolderCount)
            .ToList();
        var rootCounts = await db.Usage.AsNoTracking().Select(u => new { u.UserId, u.RootFileCount, u.RootFolderCount }).ToListAsync(cancellationToken);
        var wrongRoots = rootCounts
            .Select(u => (u.UserId, Files: rootFiles.GetValueOrDefault(u.UserId), Folders: rootFolders.GetValueOrDefault(u.UserId), u.RootFileCount, u.RootFolderCount))
            .Where(u => u.Files != u.RootFileCount || u.Folders != u.RootFolderCount)
            .ToList();

        if (repair)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var sha256 in wrongCounts)
            {
                var count = used.TryGetValue(sha256, out var u) ? u.Count : 0;
                await db.Blobs.Where(b => b.Sha256 == sha256).ExecuteUpdateAsync(set => set.SetProperty(b => b.RefCount, count), cancellationToken);
            }

            foreach (var sha256 in missingRows)
            {
                db.Blobs.Add(new BlobRecord { Sha256 = sha256, Size = used[sha256].Size, RefCount = used[sha256].Count });
            }

            foreach (var user in wrongUsage)
            {
                var bytes = expected[user];
                if (charged.ContainsKey(user))
                {
                    await db.Usage.Where(u => u.UserId == user).ExecuteUpdateAsync(set => set.SetProperty(u => u.UsedBytes, bytes), cancellationToken);
                }
                else
                {
                    db.Usage.Add(new Files.UserUsage
                    {
                        UserId = user, UsedBytes = bytes, RootFileCount = rootFiles.GetValueOrDefault(user), RootFolderCount = rootFolders.GetValueOrDefault(user),
                    });
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            foreach (var folder in wrongFolders)
            {
                await db.Folders.Where(f => f.Id == folder.Id).ExecuteUpdateAsync(
                    set => set.SetProperty(f => f.FileCount, folder.Files).SetProperty(f => f.FolderCount, folder.Folders), cancellationToken);
            }

            foreach (var root in wrongRoots)
            {
                await db.Usage.Where(u => u.UserId == root.UserId).ExecuteUpdateAsync(
                    set => set.SetProperty(u => u.RootFileCount, root.Files).SetProperty(u => u.RootFolderCount, root.Folders), cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return new ConsistencyReport(
            wrongCounts, missingRows, missingBytes, wrongUsage,
            [.. wrongFolders.Select(f => f.Id.ToString()).Concat(wrongRoots.Select(u => u.UserId))]);
    }
}

public static class ConsistencyCheckCommand
{
    /// <summary>
    /// <c>BlazorVault check [--repair]</c>: runs <see cref="ConsistencyCheck"/> on the configured database
    /// and store, prints what it found and exits (1 when something was wrong and not repaired).
    /// Returns false when the arguments ask for no command, so the app starts as usual.
    /// </summary>
    public static async Task<bool> TryRunCheckCommandAsync(this WebApplication app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        if (args is not ["check", ..])
        {
            return false;
        }

        var repair = args.Contains("--repair");
        var report = await app.Services.GetRequiredService<ConsistencyCheck>().RunAsync(repair, CancellationToken.None);
        Console.WriteLine(repair && !report.IsConsistent ? $"repaired: {report}" : report.ToString());
        Environment.ExitCode = report.IsConsistent || (repair && report.MissingBytes.Count == 0) ? 0 : 1;
        return true;
    }
}
