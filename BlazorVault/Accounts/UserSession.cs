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
        session.HasOne<VaultUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        session.HasIndex(s => s.UserId);
    }
}
