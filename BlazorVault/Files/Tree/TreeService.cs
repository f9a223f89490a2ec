using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Files.Tree;

/// <summary>
/// Folders, moves, renames and the trash of each owner's drive. Every change is one short transaction
/// that first takes the owner's <see cref="TreeLock"/>; an entry that is not the owner's behaves like
/// one that does not exist. Whole subtrees change with a statement per table, not a round trip per file.
/// </summary>
public sealed class TreeService(
    IDbContextFactory<VaultDbContext> dbFactory,
    FileService files,
    IOptions<VaultOptions> options,
    TimeProvider clock,
    ILogger<TreeService> logger)
{
    /// <summary>Blobs a purge tries to remove at once; the sweep removes the rest.</summary>
    private const int InlineBlobRemovals = 64;

    private static readonly TreeError FolderMissing = new(TreeErrorKind.NotFound, "No such folder.");
    private static readonly TreeError FileMissing = new(TreeErrorKind.NotFound, "No such file.");

    public async Task<TreeResult<FolderItem>> CreateFolderAsync(
        string ownerId, Guid? parentId, string? name, NameConflict conflict = NameConflict.Fail, CancellationToken cancellationToken = default)
    {
        if (FileNames.Sanitize(name) is not { } clean)
        {
            return new TreeError(TreeErrorKind.Invalid, "The folder needs a name.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await TreeLock.TakeAsync(db, ownerId, cancellationToken))
        {
            return FolderMissing;
        }

        var depth = 0;
        if (parentId is { } parent)
        {
            if (await TreeQueries.LiveFolderAsync(db, ownerId, parent, cancellationToken) is null)
            {
                return FolderMissing;
            }

            depth = (await TreeQueries.TrailAsync(db, ownerId, parent, cancellationToken)).Count;
        }

        if (depth + 1 > TreeRules.MaxDepth)
        {
            return new TreeError(TreeErrorKind.Conflict, $"Folders nest at most {TreeRules.MaxDepth} deep.");
        }

        var placed = await PlaceNameAsync(db, ownerId, parentId, clean, conflict, except: null, cancellationToken);
        if (placed.Error is { } error)
        {
            return error;
        }

        var now = clock.GetUtcNow();
        var folder = new Folder { Id = Ids.Next(clock), OwnerId = ownerId, ParentId = parentId, Name = placed.Value!, NameKey = NameKeys.For(placed.Value!), CreatedAt = now, ChangedAt = now };
        db.Folders.Add(folder);
        await db.SaveChangesAsync(cancellationToken);
        await ChildCounts.AdjustAsync(db, ownerId, parentId, files: 0, folders: 1, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ToItem(folder);
    }

    /// <summary>The folder and its breadcrumb; the root for a null id; NotFound for a missing, trashed or foreign one.</summary>
    public async Task<FolderView?> GetFolderAsync(string ownerId, Guid? id, CancellationToken cancellationToken = default)
    {
        if (id is null)
        {
            return new FolderView(null, []);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var trail = await TreeQueries.TrailAsync(db, ownerId, id, cancellationToken);
        // A folder is visible only when it and every folder above it are live.
        if (trail.Count == 0 || trail[^1].Id != id || trail.Any(f => f.TrashId is not null) || trail[0].ParentId is not null)
        {
            return null;
        }

        return new FolderView(ToItem(trail[^1]), [.. trail.Select(f => new Crumb(f.Id, f.Name))]);
    }

    /// <summary>
    /// One page of a folder (null: the root): folders first, then files, each in the query's order. With a
    /// search term, the whole drive's matching folders and files instead, each with its path.
    /// </summary>
    public async Task<DrivePage?> ListAsync(string ownerId, Guid? folderId, FileQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var searching = !string.IsNullOrWhiteSpace(query.Search);
        var folders = db.Folders.AsNoTracking().Where(f => f.OwnerId == ownerId && f.TrashId == null);
        var files = db.Files.AsNoTracking().Where(f => f.OwnerId == ownerId && f.TrashId == null);
        if (searching)
        {
            var pattern = "%" + FileService.EscapeLike(NameKeys.For(query.Search!.Trim())) + "%";
            folders = folders.Where(f => EF.Functions.Like(f.NameKey, pattern, "\\"));
            files = files.Where(f => EF.Functions.Like(f.NameKey, pattern, "\\"));
        }
        else
        {
            folders = folders.Where(f => f.ParentId == folderId);
            files = files.Where(f => f.FolderId == folderId);
        }

        int folderTotal, fileTotal;
        if (searching)
        {
            folderTotal = await folders.CountAsync(cancellationToken);
            fileTotal = await files.CountAsync(cancellationToken);
        }
        else if (await ChildCounts.OfAsync(db, ownerId, folderId, cancellationToken) is { } counted)
        {
            // Kept with every change, so a folder of 10,000 files pages as fast as one of 10.
            (fileTotal, folderTotal) = counted;
        }
        else
        {
            return null;
        }
        var skip = Math.Max(0, query.Skip);
        var take = Math.Clamp(query.Take, 1, FileService.MaxPageSize);

        List<FolderItem> folderPage = [];
        if (skip < folderTotal)
        {
            var ordered = (query.SortBy, query.Descending) switch
            {
                (FileSortColumn.Date, false) => folders.OrderBy(f => f.Id),
                (FileSortColumn.Date, true) => folders.OrderByDescending(f => f.Id),
                (FileSortColumn.Name, true) when !searching => folders.OrderByDescending(f => f.NameKey),
                (FileSortColumn.Name, true) => folders.OrderByDescending(f => f.NameKey).ThenByDescending(f => f.Id),
                // Folders have no size of their own: by name.
                _ when !searching => folders.OrderBy(f => f.NameKey),
                _ => folders.OrderBy(f => f.NameKey).ThenBy(f => f.Id),
            };
            folderPage = [.. (await ordered.Skip(skip).Take(take).ToListAsync(cancellationToken)).Select(f => ToItem(f))];
        }

        List<FileItem> filePage = [];
        var fileTake = take - folderPage.Count;
        if (fileTake > 0)
        {
            var fileSkip = Math.Max(0, skip - folderTotal);
            // Within one folder a live name is unique: ordering by its key alone lets the index deliver the page.
            var orderedFiles = (searching, query.SortBy, query.Descending) switch
            {
                (false, FileSortColumn.Name, false) => files.OrderBy(f => f.NameKey),
                (false, FileSortColumn.Name, true) => files.OrderByDescending(f => f.NameKey),
                _ => FileService.Order(files, query.SortBy, query.Descending),
            };
            filePage = await orderedFiles
                .Skip(fileSkip)
                .Take(fileTake)
                .Select(f => new FileItem(f.Id, f.Name, f.Size, f.ContentType, f.Sha256, f.CreatedAt, f.FolderId, null))
                .ToListAsync(cancellationToken);
        }

        if (searching)
        {
            var paths = await TreeQueries.PathsAsync(
                db, ownerId, folderPage.Where(f => f.ParentId is not null).Select(f => f.ParentId!.Value)
                    .Concat(filePage.Where(f => f.FolderId is not null).Select(f => f.FolderId!.Value)), cancellationToken);
            folderPage = [.. folderPage.Select(f => f with { Path = f.ParentId is { } p ? paths[p] : "/" })];
            filePage = [.. filePage.Select(f => f with { Path = f.FolderId is { } p ? paths[p] : "/" })];
        }

        return new DrivePage(folderPage, filePage, folderTotal + fileTotal, folderTotal);
    }

    /// <summary>
    /// Which of the paths ("a.txt", or "Photos/2026/a.jpg" below the folder) name a file or folder that is
    /// already there, so that an upload can ask before it clashes. Read only; a path whose folders do not
    /// exist yet cannot clash.
    /// </summary>
    public async Task<IReadOnlySet<string>> TakenAsync(string ownerId, Guid? folderId, IEnumerable<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        // Folder paths resolved so far ("" is the folder itself); null where a folder is missing.
        var folders = new Dictionary<string, Guid?[]?>(StringComparer.Ordinal) { [""] = [folderId] };
        foreach (var path in paths)
        {
            var segments = TreeQueries.SplitPath(path);
            if (segments is null || segments.Count == 0)
            {
                continue;
            }

            var parent = await ResolveAsync(string.Join('/', segments.SkipLast(1)));
            if (parent is not null && await TreeQueries.NameTakenAsync(db, ownerId, parent[0], NameKeys.For(segments[^1]), null, cancellationToken))
            {
                taken.Add(path);
            }
        }

        return taken;

        async Task<Guid?[]?> ResolveAsync(string folderPath)
        {
            if (folders.TryGetValue(folderPath, out var known))
            {
                return known;
            }

            var slash = folderPath.LastIndexOf('/');
            var above = await ResolveAsync(slash < 0 ? "" : folderPath[..slash]);
            Guid?[]? found = null;
            if (above is not null)
            {
                var key = NameKeys.For(slash < 0 ? folderPath : folderPath[(slash + 1)..]);
                var parentId = above[0];
                var id = await db.Folders.Where(f => f.OwnerId == ownerId && f.ParentId == parentId && f.NameKey == key && f.TrashId == null)
                    .Select(f => (Guid?)f.Id).FirstOrDefaultAsync(cancellationToken);
                found = id is null ? null : [id];
            }

            folders[folderPath] = found;
            return found;
        }
    }

    /// <summary>
    /// Renames and/or moves a folder. Moving it into itself or below itself is a conflict, as is nesting
    /// deeper than <see cref="TreeRules.MaxDepth"/>; the tree lock makes two racing moves take turns, so
    /// they cannot form a cycle between them.
    /// </summary>
    /// <param name="moveTo">Null to stay; a value to move (its <see cref="Destination.FolderId"/> null: the root).</param>
    public async Task<TreeResult<FolderItem>> UpdateFolderAsync(
        string ownerId, Guid id, string? newName, Destination? moveTo, NameConflict conflict = NameConflict.Fail, CancellationToken cancellationToken = default)
    {
        string? cleanName = null;
        if (newName is not null && (cleanName = FileNames.Sanitize(newName)) is null)
        {
            return new TreeError(TreeErrorKind.Invalid, "The folder needs a name.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await TreeLock.TakeAsync(db, ownerId, cancellationToken)
            || await TreeQueries.LiveFolderAsync(db, ownerId, id, cancellationToken) is not { } folder)
        {
            return FolderMissing;
        }

        var parent = moveTo is { } destination ? destination.FolderId : folder.ParentId;
        if (parent != folder.ParentId)
        {
            var trail = new List<Folder>();
            if (parent is { } target)
            {
                if (await TreeQueries.LiveFolderAsync(db, ownerId, target, cancellationToken) is null)
                {
                    return new TreeError(TreeErrorKind.NotFound, "No such target folder.");
                }

                trail = await TreeQueries.TrailAsync(db, ownerId, target, cancellationToken);
                if (trail.Any(f => f.Id == id))
                {
                    return new TreeError(TreeErrorKind.Conflict, "A folder cannot move into itself or a folder inside it.");
                }
            }

            var (_, height) = await TreeQueries.LiveSubtreeAsync(db, ownerId, id, cancellationToken);
            if (trail.Count + 1 + height > TreeRules.MaxDepth)
            {
                return new TreeError(TreeErrorKind.Conflict, $"Folders nest at most {TreeRules.MaxDepth} deep.");
            }
        }

        var name = cleanName ?? folder.Name;
        if (parent != folder.ParentId || NameKeys.For(name) != folder.NameKey || name != folder.Name)
        {
            var placed = await PlaceNameAsync(db, ownerId, parent, name, conflict, except: id, cancellationToken);
            if (placed.Error is { } error)
            {
                return error;
            }

            await ChildCounts.MoveAsync(db, ownerId, folder.ParentId, parent, EntryKind.Folder, cancellationToken);
            folder.ParentId = parent;
            folder.Name = placed.Value!;
            folder.NameKey = NameKeys.For(folder.Name);
            folder.ChangedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return ToItem(folder);
    }

    /// <summary>Renames and/or moves a file, with the same name rules as an upload.</summary>
    public async Task<TreeResult<FileItem>> UpdateFileAsync(
        string ownerId, Guid id, string? newName, Destination? moveTo, NameConflict conflict = NameConflict.Fail, CancellationToken cancellationToken = default)
    {
        string? cleanName = null;
        if (newName is not null && (cleanName = FileNames.Sanitize(newName)) is null)
        {
            return new TreeError(TreeErrorKind.Invalid, "The file needs a name.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await TreeLock.TakeAsync(db, ownerId, cancellationToken)
            || await db.Files.SingleOrDefaultAsync(f => f.Id == id && f.OwnerId == ownerId && f.TrashId == null, cancellationToken) is not { } file)
        {
            return FileMissing;
        }

        var folder = moveTo is { } destination ? destination.FolderId : file.FolderId;
        if (folder is { } target && folder != file.FolderId && await TreeQueries.LiveFolderAsync(db, ownerId, target, cancellationToken) is null)
        {
            return new TreeError(TreeErrorKind.NotFound, "No such target folder.");
        }

        var name = cleanName ?? file.Name;
        if (folder != file.FolderId || name != file.Name)
        {
            var placed = await PlaceNameAsync(db, ownerId, folder, name, conflict, except: id, cancellationToken);
            if (placed.Error is { } error)
            {
                return error;
            }

            await ChildCounts.MoveAsync(db, ownerId, file.FolderId, folder, EntryKind.File, cancellationToken);
            file.FolderId = folder;
            file.Name = placed.Value!;
            file.NameKey = NameKeys.For(file.Name);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return FileItem.From(file);
    }

    /// <summary>Sends a file to the trash; false when it is not the owner's live file.</summary>
    public async Task<bool> TrashFileAsync(string ownerId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await TreeLock.TakeAsync(db, ownerId, cancellationToken)
            || await db.Files.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id && f.OwnerId == ownerId && f.TrashId == null, cancellationToken) is not { } file)
        {
            return false;
        }

        await TrashFileInAsync(db, ownerId, file.Id, file.FolderId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Trashed file {FileId} of {OwnerId}", id, ownerId);
        return true;
    }

    /// <summary>Sends a folder and everything live inside it to the trash: a statement per level and per table.</summary>
    public async Task<bool> TrashFolderAsync(string ownerId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await TreeLock.TakeAsync(db, ownerId, cancellationToken)
            || await TreeQueries.LiveFolderAsync(db, ownerId, id, cancellationToken) is not { } folder)
        {
            return false;
        }

        var folders = await TrashFolderInAsync(db, ownerId, folder.Id, folder.ParentId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Trashed folder {FolderId} of {OwnerId} with {Folders} folders", id, ownerId, folders);
        return true;
    }

    private async Task TrashFileInAsync(VaultDbContext db, string ownerId, Guid id, Guid? folderId, CancellationToken cancellationToken)
    {
        var from = TreeQueries.PathOf(await TreeQueries.TrailAsync(db, ownerId, folderId, cancellationToken));
        var now = clock.GetUtcNow();
        if (await db.Files.Where(f => f.Id == id && f.TrashId == null).ExecuteUpdateAsync(
            set => set.SetProperty(f => f.TrashId, id).SetProperty(f => f.TrashedAt, now).SetProperty(f => f.TrashedFrom, from), cancellationToken) == 1)
        {
            await ChildCounts.AdjustAsync(db, ownerId, folderId, files: -1, folders: 0, cancellationToken);
        }
    }

    /// <summary>Trashes the folder's live subtree inside the caller's locked transaction; returns how many folders went.</summary>
    private async Task<int> TrashFolderInAsync(VaultDbContext db, string ownerId, Guid id, Guid? parentId, CancellationToken cancellationToken)
    {
        var from = TreeQueries.PathOf(await TreeQueries.TrailAsync(db, ownerId, parentId, cancellationToken));
        var (subtree, _) = await TreeQueries.LiveSubtreeAsync(db, ownerId, id, cancellationToken);
        var now = clock.GetUtcNow();
        await db.Folders.Where(f => f.OwnerId == ownerId && f.TrashId == null && subtree.Contains(f.Id)).ExecuteUpdateAsync(
            set => set.SetProperty(f => f.TrashId, id).SetProperty(f => f.TrashedAt, now), cancellationToken);
        await db.Files.Where(f => f.OwnerId == ownerId && f.TrashId == null && f.FolderId != null && subtree.Contains(f.FolderId.Value)).ExecuteUpdateAsync(
            set => set.SetProperty(f => f.TrashId, id).SetProperty(f => f.TrashedAt, now), cancellationToken);
        await db.Folders.Where(f => f.Id == id).ExecuteUpdateAsync(set => set.SetProperty(f => f.TrashedFrom, from), cancellationToken);
        // Inside, every count stays: what a folder counted went to the trash with it and comes back with it.
        await ChildCounts.AdjustAsync(db, ownerId, parentId, files: 0, folders: -1, cancellationToken);
        return subtree.Count;
    }

    /// <summary>What the owner deleted, newest first.</summary>
    public async Task<IReadOnlyList<TrashItem>> ListTrashAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var files = await db.Files.AsNoTracking()
            .Where(f => f.OwnerId == ownerId && f.TrashId == f.Id)
            .Select(f => new TrashItem(EntryKind.File, f.Id, f.Name, f.TrashedFrom ?? "/", f.TrashedAt!.Value, f.Size, 1))
            .ToListAsync(cancellationToken);
        var folders = await db.Folders.AsNoTracking()
            .Where(f => f.OwnerId == ownerId && f.TrashId == f.Id)
            .Select(f => new { f.Id, f.Name, f.TrashedFrom, f.TrashedAt })
            .ToListAsync(cancellationToken);
        var contents = await db.Files.AsNoTracking()
            .Where(f => f.OwnerId == ownerId && f.TrashId != null && f.TrashId != f.Id)
            .GroupBy(f => f.TrashId)
            .Select(g => new { g.Key, Bytes = g.Sum(f => f.Size), Count = g.Count() })
            .ToDictionaryAsync(g => g.Key!.Value, cancellationToken);
        return [.. files.Concat(folders.Select(f => new TrashItem(
                EntryKind.Folder, f.Id, f.Name, f.TrashedFrom ?? "/", f.TrashedAt!.Value,
                contents.TryGetValue(f.Id, out var c) ? c.Bytes : 0, contents.TryGetValue(f.Id, out var n) ? n.Count : 0)))
            .OrderByDescending(t => t.TrashedAt).ThenBy(t => t.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Puts a deleted entry (and what went with it) back where it was. When that folder is gone or in the
    /// trash, the folders of its path are made again; a name taken meanwhile gets a number.
    /// </summary>
    public async Task<TreeResult<TrashItem>> RestoreAsync(string ownerId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await TreeLock.TakeAsync(db, ownerId, cancellationToken))
        {
            return new TreeError(TreeErrorKind.NotFound, "Not in the trash.");
        }

        var file = await db.Files.SingleOrDefaultAsync(f => f.Id == id && f.OwnerId == ownerId && f.TrashId == id, cancellationToken);
        var folder = file is null ? await db.Folders.SingleOrDefaultAsync(f => f.Id == id && f.OwnerId == ownerId && f.TrashId == id, cancellationToken) : null;
        if (file is null && folder is null)
        {
            return new TreeError(TreeErrorKind.NotFound, "Not in the trash.");
        }

        ITreeEntry entry = (ITreeEntry?)file ?? folder!;
        var originalParent = file is not null ? file.FolderId : folder!.ParentId;
        var from = entry.TrashedFrom ?? "/";
        Guid? parent = null;
        if (originalParent is { } original && await GetLiveChainAsync(db, ownerId, original, cancellationToken))
        {
            parent = original;
        }
        else if (TreeQueries.SplitPath(from) is { Count: > 0 } segments)
        {
            var made = await TreeQueries.EnsurePathAsync(db, ownerId, null, segments, clock.GetUtcNow(), () => Ids.Next(clock), cancellationToken);
            if (made.Error is { } error)
            {
                return error;
            }

            parent = made.Value!.Id;
        }

        var name = file?.Name ?? folder!.Name;
        var placed = await PlaceNameAsync(db, ownerId, parent, name, NameConflict.Rename, except: id, cancellationToken);
        name = placed.Value!;
        if (file is not null)
        {
            file.FolderId = parent;
            file.Name = name;
            file.NameKey = NameKeys.For(name);
        }
        else
        {
            folder!.ParentId = parent;
            folder.Name = name;
            folder.NameKey = NameKeys.For(name);
        }

        entry.TrashedFrom = null;
        await db.SaveChangesAsync(cancellationToken);
        await ChildCounts.AdjustAsync(db, ownerId, parent, files: file is null ? 0 : 1, folders: file is null ? 1 : 0, cancellationToken);
        var trashedAt = entry.TrashedAt ?? clock.GetUtcNow();
        await db.Files.Where(f => f.OwnerId == ownerId && f.TrashId == id).ExecuteUpdateAsync(
            set => set.SetProperty(f => f.TrashId, (Guid?)null).SetProperty(f => f.TrashedAt, (DateTimeOffset?)null), cancellationToken);
        await db.Folders.Where(f => f.OwnerId == ownerId && f.TrashId == id).ExecuteUpdateAsync(
            set => set.SetProperty(f => f.TrashId, (Guid?)null).SetProperty(f => f.TrashedAt, (DateTimeOffset?)null), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var path = TreeQueries.PathOf(await TreeQueries.TrailAsync(db, ownerId, parent, cancellationToken));
        logger.LogInformation("Restored {EntryId} of {OwnerId} to {Path}", id, ownerId, path);
        return new TrashItem(file is not null ? EntryKind.File : EntryKind.Folder, id, name, path, trashedAt, file?.Size ?? 0, file is not null ? 1 : 0);
    }

    /// <summary>Deletes one trashed entry for good (with what went with it): charges released, blobs freed.</summary>
    public async Task<bool> DeleteForeverAsync(string ownerId, Guid id, CancellationToken cancellationToken = default) =>
        await PurgeAsync(ownerId, id, cancellationToken) >= 0;

    /// <summary>Deletes everything in the owner's trash for good; returns how many files went.</summary>
    public Task<int> EmptyTrashAsync(string ownerId, CancellationToken cancellationToken = default) =>
        PurgeAsync(ownerId, trashId: null, cancellationToken);

    /// <summary>Purges what has been in the trash longer than <c>Vault:Trash:RetentionDays</c>, across owners; returns how many entries.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = clock.GetUtcNow() - TimeSpan.FromDays(options.Value.Trash.RetentionDays);
        List<(string Owner, Guid Id)> due;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var files = await db.Files.AsNoTracking().Where(f => f.TrashId == f.Id && f.TrashedAt < cutoff)
                .Select(f => new { f.OwnerId, f.Id }).Take(1000).ToListAsync(cancellationToken);
            var folders = await db.Folders.AsNoTracking().Where(f => f.TrashId == f.Id && f.TrashedAt < cutoff)
                .Select(f => new { f.OwnerId, f.Id }).Take(1000).ToListAsync(cancellationToken);
            due = [.. files.Select(f => (f.OwnerId, f.Id)).Concat(folders.Select(f => (f.OwnerId, f.Id)))];
        }

        var purged = 0;
        foreach (var (owner, id) in due)
        {
            try
            {
                if (await PurgeAsync(owner, id, cancellationToken) >= 0)
                {
                    purged++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not purge trashed entry {EntryId} of {OwnerId}; the next round tries again", id, owner);
            }
        }

        return purged;
    }

    /// <summary>How the owner's usage splits: what is in the trash and in earlier versions.</summary>
    public async Task<UsageBreakdown> GetUsageAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var used = await UsageLedger.UsedAsync(db, ownerId, cancellationToken);
        var trash = await db.Files.Where(f => f.OwnerId == ownerId && f.TrashId != null).SumAsync(f => (long?)f.Size, cancellationToken) ?? 0;
        var versions = await db.FileVersions.Where(v => v.OwnerId == ownerId).SumAsync(v => (long?)v.Size, cancellationToken) ?? 0;
        return new UsageBreakdown(used, await UsageLedger.QuotaAsync(db, ownerId, options.Value.DefaultQuotaBytes, cancellationToken), trash, versions);
    }

    /// <summary>
    /// Removes trashed files (with their versions) and folders for good: all of the owner's trash, or one
    /// deleted entry and what went with it. One transaction, a statement per table: the charge is released
    /// and each blob's reference count drops by how many rows used it.
    /// </summary>
    private async Task<int> PurgeAsync(string ownerId, Guid? trashId, CancellationToken cancellationToken)
    {
        List<string> hashes;
        int purged;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (!await TreeLock.TakeAsync(db, ownerId, cancellationToken))
            {
                return -1;
            }

            var doomedFiles = db.Files.Where(f => f.OwnerId == ownerId && f.TrashId != null && (trashId == null || f.TrashId == trashId));
            var doomedFolders = db.Folders.Where(f => f.OwnerId == ownerId && f.TrashId != null && (trashId == null || f.TrashId == trashId));
            var doomedVersions = db.FileVersions.Where(v => doomedFiles.Select(f => f.Id).Contains(v.FileId));
            if (trashId is not null && !await doomedFiles.AnyAsync(cancellationToken) && !await doomedFolders.AnyAsync(cancellationToken))
            {
                return -1;
            }

            purged = await doomedFiles.CountAsync(cancellationToken);
            var bytes = (await doomedFiles.SumAsync(f => (long?)f.Size, cancellationToken) ?? 0)
                + (await doomedVersions.SumAsync(v => (long?)v.Size, cancellationToken) ?? 0);
            hashes = await doomedFiles.Select(f => f.Sha256).Union(doomedVersions.Select(v => v.Sha256)).ToListAsync(cancellationToken);
            await db.Blobs.Where(b => hashes.Contains(b.Sha256)).ExecuteUpdateAsync(
                set => set.SetProperty(
                    b => b.RefCount,
                    b => b.RefCount - doomedFiles.Count(f => f.Sha256 == b.Sha256) - doomedVersions.Count(v => v.Sha256 == b.Sha256)),
                cancellationToken);
            await doomedVersions.ExecuteDeleteAsync(cancellationToken);
            // Share links go with their files (cascade). What was deleted on its own before its folder went keeps
            // its trashed-from path, and no longer points at the folder (Folders' own parent key does that by set null).
            await doomedFiles.ExecuteDeleteAsync(cancellationToken);
            await db.Files.Where(f => f.OwnerId == ownerId && f.FolderId != null && doomedFolders.Select(d => d.Id).Contains(f.FolderId.Value))
                .ExecuteUpdateAsync(set => set.SetProperty(f => f.FolderId, (Guid?)null), cancellationToken);
            await doomedFolders.ExecuteDeleteAsync(cancellationToken);
            await UsageLedger.ReleaseAsync(db, ownerId, bytes, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        logger.LogInformation("Purged {Files} trashed files of {OwnerId}", purged, ownerId);
        await files.RemoveUnusedAsync(hashes.Take(InlineBlobRemovals));
        return purged;
    }

    /// <summary>Whether the folder and every folder above it are the owner's and live.</summary>
    private static async Task<bool> GetLiveChainAsync(VaultDbContext db, string ownerId, Guid folderId, CancellationToken cancellationToken)
    {
        var trail = await TreeQueries.TrailAsync(db, ownerId, folderId, cancellationToken);
        return trail.Count > 0 && trail[^1].Id == folderId && trail[0].ParentId is null && trail.All(f => f.TrashId is null);
    }

    /// <summary>The name an entry takes in a folder under the conflict rule; for Replace, the entry in the way goes to the trash.</summary>
    private async Task<TreeResult<string>> PlaceNameAsync(
        VaultDbContext db, string ownerId, Guid? folderId, string name, NameConflict conflict, Guid? except, CancellationToken cancellationToken)
    {
        var key = NameKeys.For(name);
        if (!await TreeQueries.NameTakenAsync(db, ownerId, folderId, key, except, cancellationToken))
        {
            return name;
        }

        switch (conflict)
        {
            case NameConflict.Rename:
                return await TreeQueries.FreeNameAsync(db, ownerId, folderId, name, except, cancellationToken);
            case NameConflict.Replace:
                // Nothing is lost: what was in the way waits in the trash.
                var fileInWay = await db.Files.AsNoTracking()
                    .Where(f => f.OwnerId == ownerId && f.FolderId == folderId && f.NameKey == key && f.TrashId == null && f.Id != except)
                    .Select(f => (Guid?)f.Id).SingleOrDefaultAsync(cancellationToken);
                if (fileInWay is { } fileId)
                {
                    await TrashFileInAsync(db, ownerId, fileId, folderId, cancellationToken);
                }
                else if (await db.Folders.AsNoTracking()
                    .Where(f => f.OwnerId == ownerId && f.ParentId == folderId && f.NameKey == key && f.TrashId == null && f.Id != except)
                    .Select(f => (Guid?)f.Id).SingleOrDefaultAsync(cancellationToken) is { } folderInWay)
                {
                    var (inside, _) = await TreeQueries.LiveSubtreeAsync(db, ownerId, folderInWay, cancellationToken);
                    if (except is { } moving && (inside.Contains(moving)
                        || await db.Files.AnyAsync(f => f.Id == moving && f.FolderId != null && inside.Contains(f.FolderId.Value), cancellationToken)))
                    {
                        return new TreeError(TreeErrorKind.Conflict, $"\"{name}\" contains what is being moved, so it cannot be replaced by it.");
                    }

                    await TrashFolderInAsync(db, ownerId, folderInWay, folderId, cancellationToken);
                }

                return name;
            default:
                return new TreeError(TreeErrorKind.Conflict, $"\"{name}\" is already there.");
        }
    }

    private static FolderItem ToItem(Folder folder) => new(folder.Id, folder.Name, folder.ParentId, folder.CreatedAt, folder.ChangedAt);
}

/// <summary>Where a move goes: a folder, or the root (<see cref="FolderId"/> null).</summary>
public readonly record struct Destination(Guid? FolderId);
