using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorVault.Sharing;

/// <summary>What happened in one access to a link.</summary>
public enum ShareAccessKind
{
    PageView = 1,
    PasswordFailure = 2,
    DownloadStarted = 3,
    DownloadCompleted = 4,

    /// <summary>The client went away (or the send failed) before the last byte: <see cref="ShareAccess.Bytes"/> says how far it got.</summary>
    DownloadInterrupted = 5,

    /// <summary>A file request received a whole file: <see cref="ShareAccess.Bytes"/> is its length.</summary>
    UploadReceived = 6,
}

/// <summary>
/// One row of a link's access log, for its owner: when, from which network (never the whole address) and
/// which browser family. Kept <c>Vault:Links:AccessLogDays</c>, then purged (<see cref="ShareAccessPurger"/>).
/// </summary>
public sealed class ShareAccess
{
    public Guid Id { get; set; }

    public Guid LinkId { get; set; }

    public DateTimeOffset At { get; set; }

    public ShareAccessKind Kind { get; set; }

    /// <summary>The client's address cut to its network: <c>203.0.113.0/24</c>, <c>2001:db8:1::/48</c> (<see cref="Accounts.ClientDescription.Network"/>).</summary>
    public string? Network { get; set; }

    /// <summary><see cref="BrowserFamily"/> of the request's User-Agent.</summary>
    public required string Browser { get; set; }

    /// <summary>For a download: the bytes the app sent (for a range, those of the range).</summary>
    public long? Bytes { get; set; }
}

internal sealed class ShareAccessConfiguration : IEntityTypeConfiguration<ShareAccess>
{
    public void Configure(EntityTypeBuilder<ShareAccess> access)
    {
        access.ToTable("ShareAccesses");
        access.HasKey(a => a.Id);
        access.HasOne<ShareLink>().WithMany().HasForeignKey(a => a.LinkId).OnDelete(DeleteBehavior.Cascade);
        access.Property(a => a.At).HasConversion<UnixTimeConverter>();
        access.Property(a => a.Network).HasMaxLength(64);
        access.Property(a => a.Browser).HasMaxLength(32);
        // A link's log, newest first; the purge goes by time.
        access.HasIndex(a => new { a.LinkId, a.At });
        access.HasIndex(a => a.At);
    }
}
