using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorVault.Accounts.Tokens;

/// <summary>
/// A long-lived bearer token a user made for a script or a sync client. The secret is shown once and never
/// stored: the row keeps its SHA-256, which is enough, as the secret is 256 random bits (nothing to guess,
/// so no slow hash is needed). Revoking deletes the row.
/// </summary>
public sealed class PersonalAccessToken
{
    public required Guid Id { get; init; }

    public required string UserId { get; init; }

    public required string Name { get; init; }

    /// <summary>SHA-256 of the whole secret (prefix included), lowercase hex.</summary>
    public required string Hash { get; init; }

    /// <summary>The secret's last four characters, so that its owner can tell tokens apart.</summary>
    public required string Hint { get; init; }

    public required ApiScopes Scopes { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? LastUsedAt { get; set; }
}

internal sealed class PersonalAccessTokenConfiguration : IEntityTypeConfiguration<PersonalAccessToken>
{
    public void Configure(EntityTypeBuilder<PersonalAccessToken> token)
    {
        token.ToTable("PersonalAccessTokens");
        token.HasKey(t => t.Id);
        token.Property(t => t.Name).HasMaxLength(PersonalAccessTokens.MaxNameLength);
        token.Property(t => t.Hash).HasMaxLength(64).IsFixedLength();
        token.Property(t => t.Hint).HasMaxLength(8);
        token.Property(t => t.CreatedAt).HasConversion<UnixTimeConverter>();
        token.Property(t => t.ExpiresAt).HasConversion<UnixTimeConverter>();
        token.Property(t => t.LastUsedAt).HasConversion<UnixTimeConverter>();
        token.HasOne<VaultUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        token.HasIndex(t => t.Hash).IsUnique();
        token.HasIndex(t => t.UserId);
    }
}
