using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorVault.Notifications;

public enum NotificationKind
{
    /// <summary>A download through one of the owner's links sent its last byte.</summary>
    DownloadCompleted = 1,

    /// <summary>One of the owner's file requests received a whole file.</summary>
    FileReceived = 2,
}

/// <summary>
/// Tells a link's owner that something happened to it. Written with the access-log entry it comes from, in the same
/// batch (<see cref="ShareAccessLog"/>); the row, not any process's memory, is the truth about what is unread.
/// Kept <c>Vault:Links:AccessLogDays</c> like the log (<see cref="NotificationPurger"/>).
/// </summary>
public sealed class Notification
{
    /// <summary>Time-ordered (version 7, from <see cref="At"/>): newest first is by id.</summary>
    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public Guid LinkId { get; set; }

    public NotificationKind Kind { get; set; }

    public DateTimeOffset At { get; set; }

    public ShareLinkKind LinkKind { get; set; }

    /// <summary>The shared file's or folder's name (for a file request, its target folder's) when it happened; null for the root.</summary>
    public string? Subject { get; set; }

    /// <summary>The folder of the owner's drive to open from the notification: the file's, the shared one, the request's target; null for the root.</summary>
    public Guid? FolderId { get; set; }

    /// <summary>The bytes sent (a download) or received (a file); for several (<see cref="Count"/>), all of them together.</summary>
    public long? Bytes { get; set; }

    /// <summary><see cref="BrowserFamily"/> of the visitor (for several, the last one's).</summary>
    public required string Browser { get; set; }

    /// <summary>
    /// How many downloads (or received files) of this link it tells of: those that one batch of the access log writes
    /// together (a burst, within about a second) are one notification, not one each.
    /// </summary>
    public int Count { get; set; } = 1;

    public DateTimeOffset? ReadAt { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> notification)
    {
        notification.ToTable("Notifications");
        notification.HasKey(n => n.Id);
        notification.HasOne<VaultUser>().WithMany().HasForeignKey(n => n.OwnerId).OnDelete(DeleteBehavior.Cascade);
        notification.HasOne<ShareLink>().WithMany().HasForeignKey(n => n.LinkId).OnDelete(DeleteBehavior.Cascade);
        notification.Property(n => n.At).HasConversion<UnixTimeConverter>();
        notification.Property(n => n.ReadAt).HasConversion<UnixTimeConverter>();
        notification.Property(n => n.Subject).HasMaxLength(FileNames.MaxLength);
        notification.Property(n => n.Browser).HasMaxLength(32);
        // A user's list, newest first; their unread count; the pollers' "what is new" and the purge by time;
        // the pollers' "what was read lately" (marks made on another instance).
        notification.HasIndex(n => new { n.OwnerId, n.Id });
        notification.HasIndex(n => new { n.OwnerId, n.ReadAt });
        notification.HasIndex(n => n.At);
        notification.HasIndex(n => n.ReadAt);
        notification.HasIndex(n => n.LinkId);
    }
}
