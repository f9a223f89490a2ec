using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorVault.Accounts;

/// <summary>
/// One signed-in browser. The cookie holds only <see cref="Id"/>; the row decides whether the session
/// still exists (logout deletes it, a deleted account's rows cascade) and whether it is still good
/// (its <see cref="SecurityStamp"/> must equal the user's, which a password change replaces).
/// </summary>
public sealed class UserSession
{
    /// <summary>128 random bits, hex: the cookie's only content besides its own protection.</summary>
    public required string Id { get; init; }

    public required string UserId { get; init; }

    /// <summary>The user's security stamp when the ticket was issued or last renewed.</summary>
    public required string SecurityStamp { get; set; }

    /// <summary>The authentication ticket, serialized and protected with Data Protection (purpose <c>BlazorVault.Sessions</c>).</summary>
    public required byte[] Ticket { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The browser family and system at sign-in (<see cref="ClientDescription.Browser"/>); null for sessions older than this column.</summary>
    public string? Browser { get; init; }

    /// <summary>The client's network at sign-in, truncated (<see cref="ClientDescription.Network"/>).</summary>
    public string? ClientNetwork { get; init; }

    /// <summary>When the session was last used, to within <see cref="DatabaseTicketStore.LastSeenResolution"/>.</summary>
    public DateTimeOffset LastSeenAt { get; set; }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> session)
    {
        session.ToTable("Sessions");
        session.HasKey(s => s.Id);
        session.Property(s => s.Id).HasMaxLength(32);
        session.Property(s => s.SecurityStamp).HasMaxLength(256);
        session.Property(s => s.CreatedAt).HasConversion<UnixTimeConverter>();
        session.Property(s => s.ExpiresAt).HasConversion<UnixTimeConverter>();
        session.Property(s => s.LastSeenAt).HasConversion<UnixTimeConverter>();
        session.Property(s => s.Browser).HasMaxLength(ClientDescription.MaxLength);
        session.Property(s => s.ClientNetwork).HasMaxLength(ClientDescription.MaxLength);
        session.HasOne<VaultUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        session.HasIndex(s => s.UserId);
    }
}
