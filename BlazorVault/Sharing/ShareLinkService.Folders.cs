using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Files.Tree;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Sharing;

/// <summary>
/// One folder of a folder link's tree as its page shows it: the way down from the shared folder (never above it),
/// and a page of what is in it, folders first, each by name.
/// </summary>
/// <param name="Trail">From the shared folder (first) down to <paramref name="Folder"/> (last).</param>
/// <param name="Total">Folders and files in the folder, for paging.</param>
public sealed record SharedFolder(
    ShareLinkInfo Link, string SharedBy, FolderItem Folder, IReadOnlyList<Crumb> Trail,
    IReadOnlyList<FolderItem> Folders, IReadOnlyList<FileItem> Files, int Total, int Page, int PageSize);

/// <summary>What a ZIP of a folder link may hold, after the link's checks: its owner's ids, each inside the shared folder.</summary>
public sealed record SharedZip(Guid LinkId, string OwnerId, IReadOnlyList<Guid> FolderIds, IReadOnlyList<Guid> FileIds);

/// <summary>
/// Folder links: a read-only view of one folder's live tree. Every folder and file id a visitor names is
/// walked up to the shared folder (a level per query, as deep as the tree may go), each step the owner's and
/// live; anything else, the shared folder's parent included, is the same "nothing" as an unknown link. Files
/// added later are in it because nothing is copied: the link names the folder, the walk decides the rest.
/// Downloads count as for a file link (a file, or a whole ZIP, is one download) through the same grant and count.
/// </summary>
public sealed partial class ShareLinkService
{
    /// <summary>Entries on one page of a shared folder.</summary>
    public const int FolderPageSize = 50;

    /// <summary>
    /// The most files and folders one ZIP of a selection may name: three pages' worth, and what fits in a GET's
    /// query within the server's request-line limit (8 KiB); more is one folder's ZIP.
    /// </summary>
    public const int MaxZipSelection = 150;

    /// <summary>What stands for a ZIP's content in a resume grant: never a SHA-256, so no file's range continues it.</summary>
    private static readonly string ZipContent = new('z', 64);

    /// <param name="ownerId">Who creates it: the folder's owner.</param>
    /// <param name="folderId">The folder, live.</param>
    /// <param name="lifetime">How long it works; null for <see cref="ShareOptions.DefaultLifetime"/>.</param>
    /// <param name="maxDownloads">Null for no limit; a file download and a ZIP count one each.</param>
    /// <param name="password">Null or empty for none.</param>
    /// <param name="cancellationToken">Ends the wait for the database.</param>
    public async Task<CreateLinkResult> CreateFolderLinkAsync(
        string ownerId, Guid folderId, TimeSpan? lifetime, int? maxDownloads, string? password, CancellationToken cancellationToken = default)
    {
        var life = lifetime ?? Settings.DefaultLifetime;
        if (LinkProblem(life, maxDownloads, password) is { } problem)
        {
            return problem;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Folders.AnyAsync(f => f.Id == folderId && f.OwnerId == ownerId && f.TrashId == null, cancellationToken))
        {
            return new CreateLinkResult.FileNotFound();
        }

        var link = NewLink(ownerId, life, password);
        link.Kind = ShareLinkKind.Folder;
        link.FolderId = folderId;
        link.MaxDownloads = maxDownloads;
        db.ShareLinks.Add(link);
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("Share link {LinkId} created for folder {FolderId}", link.Id, folderId);
        return new CreateLinkResult.Created(Describe(link, link.CreatedAt));
    }

    /// <summary>The owner's links to a folder that were not revoked, newest first; null when the folder is not theirs (or not live).</summary>
    public async Task<IReadOnlyList<ShareLinkInfo>?> ListFolderLinksAsync(string ownerId, Guid folderId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Folders.AnyAsync(f => f.Id == folderId && f.OwnerId == ownerId && f.TrashId == null, cancellationToken))
        {
            return null;
        }

        var links = await db.ShareLinks.AsNoTracking()
            .Where(l => l.Kind == ShareLinkKind.Folder && l.FolderId == folderId && l.CreatedById == ownerId && l.RevokedAt == null)
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return [.. links.OrderByDescending(l => l.CreatedAt).Select(l => Describe(l, now))];
    }

    /// <summary>
    /// The page of a folder link at one of its folders (null: the shared folder itself): nothing for every kind of
    /// bad link and for a folder outside the share, the prompt for a password not proven, else the listing.
    /// </summary>
    /// <param name="page">Counts from 1; a page past the end is empty.</param>
    public async Task<LinkPage> OpenFolderAsync(string? link, string? proof, Guid? folderId, int page = 1, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var opened = await OpenFolderLinkAsync(db, link, proof, cancellationToken);
        if (opened is not FolderAccess.Open(var row, var root, var sharedBy))
        {
            return opened is FolderAccess.Locked locked ? new LinkPage.Locked(locked.LinkId) : new LinkPage.Gone();
        }

        var trail = await TrailInsideAsync(db, row.CreatedById, root.Id, folderId ?? root.Id, cancellationToken);
        if (trail is null)
        {
            logger.LogInformation("Folder link {LinkId} refused: folder {FolderId} is not inside the share", row.Id, folderId);
            return new LinkPage.Gone();
        }

        var here = trail[^1];
        var ownerId = row.CreatedById;
        page = Math.Clamp(page, 1, 1_000_000);
        var skip = (page - 1) * FolderPageSize;
        // The counts ChildCounts keeps with every change: a folder of 10,000 files pages as fast as one of 10.
        var folderTotal = here.FolderCount;
        var folders = skip >= folderTotal ? [] : await db.Folders.AsNoTracking()
            .Where(f => f.OwnerId == ownerId && f.ParentId == here.Id && f.TrashId == null)
            .OrderBy(f => f.NameKey)
            .Skip(skip).Take(FolderPageSize)
            .Select(f => new FolderItem(f.Id, f.Name, f.ParentId, f.CreatedAt, f.ChangedAt, null))
            .ToListAsync(cancellationToken);
        var fileTake = FolderPageSize - folders.Count;
        var files = fileTake == 0 ? [] : await db.Files.AsNoTracking()
            .Where(f => f.OwnerId == ownerId && f.FolderId == here.Id && f.TrashId == null)
            .OrderBy(f => f.NameKey)
            .Skip(Math.Max(0, skip - folderTotal)).Take(fileTake)
            .Select(f => new FileItem(f.Id, f.Name, f.Size, f.ContentType, f.Sha256, f.CreatedAt, f.FolderId, null))
            .ToListAsync(cancellationToken);
        return new LinkPage.OpenFolder(new SharedFolder(
            Describe(row, clock.GetUtcNow()), sharedBy,
            new FolderItem(here.Id, here.Name, here.Id == root.Id ? null : here.ParentId, here.CreatedAt, here.ChangedAt),
            [.. trail.Select(f => new Crumb(f.Id, f.Name))],
            folders, files, folderTotal + here.FileCount, page, FolderPageSize));
    }

    /// <summary>A file of a folder link's tree, for its view or thumbnail; null for every refusal.</summary>
    /// <param name="forViewing">The file's bytes inline: only for a link without a download limit, as for a file link's viewer.</param>
    public async Task<FileItem?> SharedFolderFileAsync(string? link, string? proof, Guid fileId, bool forViewing, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await OpenFolderLinkAsync(db, link, proof, cancellationToken) is not FolderAccess.Open(var row, var root, _)
            || (forViewing && row.MaxDownloads is not null))
        {
            return null;
        }

        return await FileInsideAsync(db, row.CreatedById, root.Id, fileId, cancellationToken);
    }

    /// <summary>
    /// The checks of a folder link's file download (those of <see cref="GrantDownloadAsync"/>, and the file inside the
    /// share), then a short-lived grant naming the link and that file; null for every refusal. Counts nothing.
    /// </summary>
    public async Task<string?> GrantFolderFileDownloadAsync(string? publicId, Guid fileId, DownloadRequest request, ShareClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await FolderLinkRowAsync(db, publicId, cancellationToken);
        var file = row is null ? null : await FileInsideAsync(db, row.Value.Link.CreatedById, row.Value.Root.Id, fileId, cancellationToken);
        var now = clock.GetUtcNow();
        if (row is not { Link: var link } || file is null || !await MayGrantAsync(link, file, request, client, now, cancellationToken))
        {
            logger.LogInformation("Folder link download grant refused for link {LinkId}", row?.Link.Id);
            return null;
        }

        return tokens.CreateDownloadGrant(link, fileId, now + Settings.DownloadGrantLifetime);
    }

    /// <summary>
    /// A folder link's file download by its grant: the link's checks again, the file still inside the share, then the
    /// same counting as a file link's (<see cref="RedeemAsync"/>).
    /// </summary>
    public async Task<RedeemedDownload?> RedeemFolderFileAsync(
        string? token, string publicId, Guid fileId, DownloadRequest request, ShareClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        var claims = await tokens.ValidateAsync(token);
        if (claims is not { IsDownloadGrant: true } || claims.FileId != fileId)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await FolderLinkRowAsync(db, publicId, cancellationToken);
        var now = clock.GetUtcNow();
        if (row is not { Link: var link, Root: var root } || link.Id != claims.LinkId || link.RevokedAt is not null || link.ExpiresAt <= now
            || (link.PasswordHash is not null && claims.PasswordVersion != link.PasswordVersion))
        {
            logger.LogInformation("Folder link download {LinkId} refused", claims.LinkId);
            return null;
        }

        if (await FileInsideAsync(db, link.CreatedById, root.Id, fileId, cancellationToken) is not { } file)
        {
            logger.LogInformation("Folder link download {LinkId} refused: the file is no longer inside the share", link.Id);
            return null;
        }

        return await ServeAsync(link, files.ContentOf(file), request, client, now, cancellationToken);
    }

    /// <summary>
    /// The checks of a folder link's ZIP: the link works, its password is proven, it has a download left, and every id
    /// is inside the share (none: the whole shared folder). Null for every refusal. Counts nothing: <see cref="CountZipAsync"/> does.
    /// </summary>
    public async Task<SharedZip?> CheckZipAsync(string? publicId, string? proof, IReadOnlyCollection<Guid> folderIds, IReadOnlyCollection<Guid> fileIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folderIds);
        ArgumentNullException.ThrowIfNull(fileIds);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await FolderLinkRowAsync(db, publicId, cancellationToken);
        if (row is not { Link: var link, Root: var root } || Refusal(link, clock.GetUtcNow()) is not null || !await ProvesPasswordAsync(link, proof))
        {
            return null;
        }

        var ownerId = link.CreatedById;
        if (folderIds.Count == 0 && fileIds.Count == 0)
        {
            return new SharedZip(link.Id, ownerId, [root.Id], []);
        }

        var inside = new HashSet<Guid> { root.Id };
        foreach (var id in folderIds.Distinct())
        {
            if (!inside.Contains(id) && await TrailInsideAsync(db, ownerId, root.Id, id, cancellationToken, inside) is null)
            {
                logger.LogInformation("Folder link ZIP {LinkId} refused: folder {FolderId} is not inside the share", link.Id, id);
                return null;
            }
        }

        foreach (var id in fileIds.Distinct())
        {
            if (await FileInsideAsync(db, ownerId, root.Id, id, cancellationToken, inside) is null)
            {
                logger.LogInformation("Folder link ZIP {LinkId} refused: file {FileId} is not inside the share", link.Id, id);
                return null;
            }
        }

        return new SharedZip(link.Id, ownerId, [.. folderIds.Distinct()], [.. fileIds.Distinct()]);
    }

    /// <summary>Counts a ZIP as one download, in the one conditional statement a file's download counts by; false when the link was used up (or ended) meanwhile.</summary>
    public async Task<bool> CountZipAsync(SharedZip zip, ShareClient client)
    {
        ArgumentNullException.ThrowIfNull(zip);
        ArgumentNullException.ThrowIfNull(client);
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var link = await db.ShareLinks.AsNoTracking().SingleOrDefaultAsync(l => l.Id == zip.LinkId, CancellationToken.None);
        var now = clock.GetUtcNow();
        if (link is null || link.RevokedAt is not null || link.ExpiresAt <= now)
        {
            return false;
        }

        if (link.MaxDownloads is null)
        {
            // No limit to hold: counted in memory, as a file's download is (DownloadTally).
            tally.Add(link.Id, now);
            return true;
        }

        return await CountAsync(link, null, ZipContent, client, now) is not null;
    }

    private abstract record FolderAccess
    {
        public sealed record Gone : FolderAccess;

        public sealed record Locked(Guid LinkId) : FolderAccess;

        public sealed record Open(ShareLink Link, Folder Root, string SharedBy) : FolderAccess;
    }

    /// <summary>A folder link's row, checked as its page checks a file link's: working, its folder live, its owner enabled, its password proven.</summary>
    private async Task<FolderAccess> OpenFolderLinkAsync(VaultDbContext db, string? link, string? proof, CancellationToken cancellationToken)
    {
        var row = await FolderLinkRowAsync(db, link, cancellationToken);
        if (row is not { Link: var found })
        {
            return new FolderAccess.Gone();
        }

        if (Refusal(found, clock.GetUtcNow()) is { } refusal)
        {
            logger.LogInformation("Folder link {LinkId} refused: {Reason}", found.Id, refusal);
            return new FolderAccess.Gone();
        }

        return await ProvesPasswordAsync(found, proof) ? new FolderAccess.Open(found, row.Value.Root, row.Value.SharedBy) : new FolderAccess.Locked(found.Id);
    }

    /// <summary>A folder link by its public id, with its shared folder, when that folder is live and its owner (the link's) not disabled.</summary>
    private async Task<(ShareLink Link, Folder Root, string SharedBy)?> FolderLinkRowAsync(VaultDbContext db, string? publicId, CancellationToken cancellationToken)
    {
        // Folder links have only short URLs: a token never names one.
        if (!IsPublicId(publicId))
        {
            return null;
        }

        var row = await (
            from l in db.ShareLinks.AsNoTracking()
            join folder in db.Folders.AsNoTracking() on l.FolderId equals folder.Id
            join user in db.Users.AsNoTracking() on folder.OwnerId equals user.Id
            where l.PublicId == publicId && l.Kind == ShareLinkKind.Folder && folder.OwnerId == l.CreatedById
                // A trashed folder is not shared; restored, its links work again. So with a disabled owner.
                && folder.TrashId == null && user.DisabledAt == null
            select new { link = l, folder, user.UserName }).SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            logger.LogInformation("Folder link refused: no such link, or its folder or owner is gone");
            return null;
        }

        return (row.link, row.folder, row.UserName ?? "someone");
    }

    /// <summary>
    /// The folders from the shared folder down to <paramref name="folderId"/>, each the owner's and live; null when
    /// walking up from it does not reach <paramref name="rootId"/> (outside the share, above it, trashed, another
    /// user's, or deeper than a tree can be).
    /// </summary>
    /// <param name="known">Folders already found inside: a walk may stop at one; the folders found are added.</param>
    private static async Task<List<Folder>?> TrailInsideAsync(
        VaultDbContext db, string ownerId, Guid rootId, Guid folderId, CancellationToken cancellationToken, HashSet<Guid>? known = null)
    {
        var trail = new List<Folder>();
        Guid? next = folderId;
        while (next is { } id && trail.Count <= TreeRules.MaxDepth)
        {
            var folder = await db.Folders.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id && f.OwnerId == ownerId && f.TrashId == null, cancellationToken);
            if (folder is null)
            {
                return null;
            }

            trail.Add(folder);
            if (id == rootId || known?.Contains(id) == true)
            {
                known?.UnionWith(trail.Select(f => f.Id));
                trail.Reverse();
                return trail;
            }

            next = folder.ParentId;
        }

        return null;
    }

    /// <summary>The owner's live file when its folder is inside the share; null otherwise (a file at the drive's root never is).</summary>
    private static async Task<FileItem?> FileInsideAsync(
        VaultDbContext db, string ownerId, Guid rootId, Guid fileId, CancellationToken cancellationToken, HashSet<Guid>? known = null)
    {
        var file = await db.Files.AsNoTracking()
            .Where(f => f.Id == fileId && f.OwnerId == ownerId && f.TrashId == null)
            .Select(f => new FileItem(f.Id, f.Name, f.Size, f.ContentType, f.Sha256, f.CreatedAt, f.FolderId, null))
            .SingleOrDefaultAsync(cancellationToken);
        if (file?.FolderId is not { } folderId)
        {
            return null;
        }

        return known?.Contains(folderId) == true || await TrailInsideAsync(db, ownerId, rootId, folderId, cancellationToken, known) is not null ? file : null;
    }
}
