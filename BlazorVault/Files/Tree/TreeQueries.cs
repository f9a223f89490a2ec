using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Files.Tree;

/// <summary>
/// Reads of one owner's tree that the changes share. Each walks the tree a level per query (the depth
/// is bounded), in LINQ, so it runs the same on SQLite and PostgreSQL; inside a change they run after
/// <see cref="TreeLock"/>, so what they find stays true until the commit.
/// </summary>
internal static class TreeQueries
{
    /// <summary>The owner's live folder, or null (missing, trashed, or another user's).</summary>
    public static Task<Folder?> LiveFolderAsync(VaultDbContext db, string ownerId, Guid id, CancellationToken cancellationToken) =>
        db.Folders.SingleOrDefaultAsync(f => f.Id == id && f.OwnerId == ownerId && f.TrashId == null, cancellationToken);

    /// <summary>The folders from the root's child down to <paramref name="folderId"/> itself (empty for the root).</summary>
    public static async Task<List<Folder>> TrailAsync(VaultDbContext db, string ownerId, Guid? folderId, CancellationToken cancellationToken)
    {
        var trail = new List<Folder>();
        var next = folderId;
        while (next is { } id && trail.Count <= TreeRules.MaxDepth)
        {
            var folder = await db.Folders.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id && f.OwnerId == ownerId, cancellationToken);
            if (folder is null)
            {
                break;
            }

            trail.Add(folder);
            next = folder.ParentId;
        }

        trail.Reverse();
        return trail;
    }

    public static string PathOf(IEnumerable<Folder> trail) => "/" + string.Join('/', trail.Select(f => f.Name));

    /// <summary>The paths of many folders at once (a level per query): for a page of search hits.</summary>
    public static async Task<Dictionary<Guid, string>> PathsAsync(VaultDbContext db, string ownerId, IEnumerable<Guid> folderIds, CancellationToken cancellationToken)
    {
        var known = new Dictionary<Guid, Folder>();
        var wanted = folderIds.Distinct().ToList();
        for (var level = 0; wanted.Count > 0 && level <= TreeRules.MaxDepth; level++)
        {
            var found = await db.Folders.AsNoTracking().Where(f => f.OwnerId == ownerId && wanted.Contains(f.Id)).ToListAsync(cancellationToken);
            foreach (var folder in found)
            {
                known[folder.Id] = folder;
            }

            wanted = [.. found.Where(f => f.ParentId is { } parent && !known.ContainsKey(parent)).Select(f => f.ParentId!.Value).Distinct()];
        }

        var paths = new Dictionary<Guid, string>();
        foreach (var id in folderIds.Distinct())
        {
            var names = new List<string>();
            for (var next = (Guid?)id; next is { } current && known.TryGetValue(current, out var folder) && names.Count <= TreeRules.MaxDepth; next = folder.ParentId)
            {
                names.Add(folder.Name);
            }

            names.Reverse();
            paths[id] = "/" + string.Join('/', names);
        }

        return paths;
    }

    /// <summary>The live folders of the subtree under <paramref name="rootId"/>, itself included, a level at a time; and how deep it goes below the root (0: no subfolders).</summary>
    public static async Task<(List<Guid> Folders, int Height)> LiveSubtreeAsync(VaultDbContext db, string ownerId, Guid rootId, CancellationToken cancellationToken)
    {
        var all = new List<Guid> { rootId };
        List<Guid> frontier = [rootId];
        var height = 0;
        while (height <= TreeRules.MaxDepth)
        {
            var parents = frontier;
            frontier = await db.Folders
                .Where(f => f.OwnerId == ownerId && f.TrashId == null && f.ParentId != null && parents.Contains(f.ParentId.Value))
                .Select(f => f.Id)
                .ToListAsync(cancellationToken);
            if (frontier.Count == 0)
            {
                break;
            }

            all.AddRange(frontier);
            height++;
        }

        return (all, height);
    }

    /// <summary>Whether a live file or folder in the folder has the key (leaving out the entry being renamed or moved).</summary>
    public static async Task<bool> NameTakenAsync(VaultDbContext db, string ownerId, Guid? folderId, string nameKey, Guid? except, CancellationToken cancellationToken) =>
        await db.Files.AnyAsync(f => f.OwnerId == ownerId && f.FolderId == folderId && f.NameKey == nameKey && f.TrashId == null && f.Id != except, cancellationToken)
        || await db.Folders.AnyAsync(f => f.OwnerId == ownerId && f.ParentId == folderId && f.NameKey == nameKey && f.TrashId == null && f.Id != except, cancellationToken);

    /// <summary>The name itself when free in the folder, else the first free "name (n).ext".</summary>
    public static async Task<string> FreeNameAsync(VaultDbContext db, string ownerId, Guid? folderId, string name, Guid? except, CancellationToken cancellationToken)
    {
        var key = NameKeys.For(name);
        if (!await NameTakenAsync(db, ownerId, folderId, key, except, cancellationToken))
        {
            return name;
        }

        // Every key that could clash with "stem (n).ext" starts with the stem's key.
        var stem = NameKeys.For(Path.GetFileNameWithoutExtension(name));
        var taken = new HashSet<string>(StringComparer.Ordinal);
        taken.UnionWith(await db.Files
            .Where(f => f.OwnerId == ownerId && f.FolderId == folderId && f.TrashId == null && f.Id != except && f.NameKey.StartsWith(stem))
            .Select(f => f.NameKey).ToListAsync(cancellationToken));
        taken.UnionWith(await db.Folders
            .Where(f => f.OwnerId == ownerId && f.ParentId == folderId && f.TrashId == null && f.Id != except && f.NameKey.StartsWith(stem))
            .Select(f => f.NameKey).ToListAsync(cancellationToken));
        taken.Add(key);
        return NameKeys.FirstFree(name, taken.Contains);
    }

    /// <summary>
    /// Finds or creates the live folders named by <paramref name="segments"/> under <paramref name="parentId"/>
    /// (a folder upload recreating its tree): an existing folder of that name is used, a file of that name is a clash.
    /// </summary>
    public static async Task<TreeResult<Folder>> EnsurePathAsync(
        VaultDbContext db, string ownerId, Guid? parentId, IReadOnlyList<string> segments, DateTimeOffset now, Func<Guid> newId, CancellationToken cancellationToken)
    {
        var depth = parentId is null ? 0 : (await TrailAsync(db, ownerId, parentId, cancellationToken)).Count;
        Folder? current = null;
        foreach (var segment in segments)
        {
            var key = NameKeys.For(segment);
            var existing = await db.Folders.SingleOrDefaultAsync(
                f => f.OwnerId == ownerId && f.ParentId == parentId && f.NameKey == key && f.TrashId == null, cancellationToken);
            if (existing is null)
            {
                if (await db.Files.AnyAsync(f => f.OwnerId == ownerId && f.FolderId == parentId && f.NameKey == key && f.TrashId == null, cancellationToken))
                {
                    return new TreeError(TreeErrorKind.Conflict, $"A file named \"{segment}\" is in the way of the folder.");
                }

                if (depth + 1 > TreeRules.MaxDepth)
                {
                    return new TreeError(TreeErrorKind.Conflict, $"Folders nest at most {TreeRules.MaxDepth} deep.");
                }

                existing = new Folder { Id = newId(), OwnerId = ownerId, ParentId = parentId, Name = segment, NameKey = key, CreatedAt = now, ChangedAt = now };
                db.Folders.Add(existing);
                await db.SaveChangesAsync(cancellationToken);
                await ChildCounts.AdjustAsync(db, ownerId, parentId, files: 0, folders: 1, cancellationToken);
            }

            current = existing;
            parentId = existing.Id;
            depth++;
        }

        return current ?? throw new ArgumentException("No path segments.", nameof(segments));
    }

    /// <summary>Splits "a/b/c" (either separator) into clean folder names; null when a segment is not a valid name.</summary>
    public static IReadOnlyList<string>? SplitPath(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return [];
        }

        var segments = new List<string>();
        foreach (var raw in path.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (FileNames.Sanitize(raw) is not { } clean)
            {
                return null;
            }

            segments.Add(clean);
        }

        return segments.Count > TreeRules.MaxDepth ? null : segments;
    }
}
