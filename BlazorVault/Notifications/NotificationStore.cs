using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Sharing;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Notifications;

/// <summary>A notification as its owner reads it.</summary>
public sealed record NotificationItem(
    Guid Id, NotificationKind Kind, DateTimeOffset At, Guid LinkId, ShareLinkKind LinkKind, string? Subject, Guid? FolderId,
    long? Bytes, string Browser, DateTimeOffset? ReadAt, int Count = 1)
{
    public bool IsRead => ReadAt is not null;

    /// <summary>One sentence for a toast or the list.</summary>
    public string Text
    {
        get
        {
            var name = Subject is null ? "My files" : $"“{Subject}”";
            var size = Bytes is { } bytes ? FileDisplay.Size(bytes) : null;
            if (Count > 1)
            {
                var inAll = size is null ? "" : $" ({size} in all)";
                return (Kind, LinkKind) switch
                {
                    (NotificationKind.FileReceived, _) => $"Your file request into {name} received {Count} files{inAll}.",
                    (_, ShareLinkKind.Folder) => $"{Count} downloads from your shared folder {name}{inAll}.",
                    _ => $"{name} was downloaded {Count} times{inAll}.",
                };
            }

            return (Kind, LinkKind) switch
            {
                (NotificationKind.FileReceived, _) => $"Your file request into {name} received a file{(size is null ? "" : $" ({size})")}.",
                (_, ShareLinkKind.Folder) => $"Someone downloaded from your shared folder {name}{Details(size)}.",
                _ => $"{name} was downloaded{Details(size)}.",
            };
        }
    }

    private string Details(string? size) => size is null ? $" ({Browser})" : $" ({size}, {Browser})";

    internal static NotificationItem Of(Notification n) =>
        new(n.Id, n.Kind, n.At, n.LinkId, n.LinkKind, n.Subject, n.FolderId, n.Bytes, n.Browser, n.ReadAt, n.Count);
}

/// <summary>A page of a user's notifications, newest first, how many match in all, and how many of theirs are unread.</summary>
public sealed record NotificationPage(IReadOnlyList<NotificationItem> Items, int Total, int Unread);

/// <summary>A user's notifications: listing, counting, marking read, and the rows an access-log batch brings.</summary>
public sealed class NotificationStore(IDbContextFactory<VaultDbContext> dbFactory, NotificationHub hub, TimeProvider clock)
{
    public const int MaxIdsPerMark = 1_000;

    public async Task<NotificationPage> PageAsync(string ownerId, bool unreadOnly, int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mine = db.Notifications.AsNoTracking().Where(n => n.OwnerId == ownerId);
        var unread = mine.Where(n => n.ReadAt == null);
        var shown = unreadOnly ? unread : mine;
        var total = await shown.CountAsync(cancellationToken);
        var unreadCount = unreadOnly ? total : await unread.CountAsync(cancellationToken);
        var rows = await shown.OrderByDescending(n => n.Id).Skip(skip).Take(take).ToListAsync(cancellationToken);
        return new NotificationPage([.. rows.Select(NotificationItem.Of)], total, unreadCount);
    }

    public async Task<int> UnreadCountAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Notifications.CountAsync(n => n.OwnerId == ownerId && n.ReadAt == null, cancellationToken);
    }

    /// <summary>
    /// Marks the owner's unread notifications among <paramref name="ids"/> read, or all of them when it is null; how many
    /// changed. Others' ids are passed over. The owner's other tabs learn it from the pollers, this instance's at once.
    /// </summary>
    public async Task<int> MarkReadAsync(string ownerId, IReadOnlyCollection<Guid>? ids, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var unread = db.Notifications.Where(n => n.OwnerId == ownerId && n.ReadAt == null);
        if (ids is not null)
        {
            var list = ids.Distinct().ToList();
            unread = unread.Where(n => list.Contains(n.Id));
        }

        var now = clock.GetUtcNow();
        var marked = await unread.ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
        if (marked > 0)
        {
            hub.Wake();
        }

        return marked;
    }

    /// <summary>Deletes notifications older than <paramref name="days"/> days, read or not; how many went.</summary>
    public async Task<int> PurgeAsync(int days, CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - TimeSpan.FromDays(days);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Notifications.Where(n => n.At < before).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// The notifications that access-log entries about to be written bring their links' owners: a download completed, a
    /// file received; one per link and kind for all of the batch's entries of it. Returned, not saved: the caller writes
    /// them in the same transaction as the entries.
    /// </summary>
    internal static async Task<List<Notification>> ForAsync(VaultDbContext db, IReadOnlyCollection<ShareAccess> entries, CancellationToken cancellationToken) =>
        For(entries, await LinksAsync(db, [.. entries.Select(a => a.LinkId).Distinct()], cancellationToken));

    /// <summary>
    /// What notifications say of each of these links that still exists (the access log writes only their entries): its
    /// owner and kind, and the name of its file or folder. One statement for a whole batch of the log.
    /// </summary>
    internal static async Task<Dictionary<Guid, NotifiedLink>> LinksAsync(VaultDbContext db, IReadOnlyCollection<Guid> linkIds, CancellationToken cancellationToken) =>
        await (
            from l in db.ShareLinks.AsNoTracking()
            where linkIds.Contains(l.Id)
            from f in db.Files.AsNoTracking().Where(f => f.Id == l.FileId).DefaultIfEmpty()
            from d in db.Folders.AsNoTracking().Where(d => d.Id == l.FolderId).DefaultIfEmpty()
            select new NotifiedLink(l.Id, l.CreatedById, l.Kind, l.FileId, l.FolderId, f == null ? null : f.Name, f == null ? null : f.FolderId, d == null ? null : d.Name))
            .ToDictionaryAsync(l => l.Id, cancellationToken);

    /// <summary>The notifications of <see cref="ForAsync"/>, from the links <see cref="LinksAsync"/> read.</summary>
    internal static List<Notification> For(IEnumerable<ShareAccess> entries, IReadOnlyDictionary<Guid, NotifiedLink> links)
    {
        var made = new List<Notification>();
        var notable = entries.Where(a => a.Kind is ShareAccessKind.DownloadCompleted or ShareAccessKind.UploadReceived);

        // A burst on one link (what this batch holds of it) is one notification: its last entry's time and visitor, with how many.
        foreach (var burst in notable.GroupBy(a => (a.LinkId, a.Kind)))
        {
            if (!links.TryGetValue(burst.Key.LinkId, out var link))
            {
                continue;
            }

            string? subject;
            Guid? folderId;
            if (link.FileId is not null)
            {
                if (link.FileName is null)
                {
                    continue;
                }

                (subject, folderId) = (link.FileName, link.FileFolderId);
            }
            else
            {
                (subject, folderId) = (link.FolderName, link.FolderId);
            }

            var last = burst.MaxBy(a => a.At)!;
            made.Add(new Notification
            {
                Id = Guid.CreateVersion7(last.At),
                OwnerId = link.CreatedById,
                LinkId = link.Id,
                Kind = burst.Key.Kind == ShareAccessKind.UploadReceived ? NotificationKind.FileReceived : NotificationKind.DownloadCompleted,
                At = last.At,
                LinkKind = link.Kind,
                Subject = subject,
                FolderId = folderId,
                Bytes = burst.Any(a => a.Bytes is not null) ? burst.Sum(a => a.Bytes ?? 0) : null,
                Browser = last.Browser,
                Count = burst.Count(),
            });
        }

        return made;
    }
}

/// <summary>A link as <see cref="NotificationStore.LinksAsync"/> reads it: its file's name and folder, or its folder's name.</summary>
internal sealed record NotifiedLink(
    Guid Id, string CreatedById, ShareLinkKind Kind, Guid? FileId, Guid? FolderId, string? FileName, Guid? FileFolderId, string? FolderName);
