using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorVault.Accounts;

/// <summary>One HMAC key of a <see cref="SigningKeyRing"/>, shared by every app process through the database.</summary>
public sealed class SigningKey
{
    /// <summary>The <c>kid</c> that tokens signed with this key carry.</summary>
    public required string Id { get; init; }

    /// <summary>The token audience the key serves (<c>api</c>, <c>share</c>): one purpose's keys never sign another's tokens.</summary>
    public required string Purpose { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Base64 of the key bytes. A secret: never logged.</summary>
    public required string Secret { get; init; }

    /// <summary>Null while the key may sign; set by the rotation that replaced it to when it stops validating.</summary>
    public DateTimeOffset? RetireAfter { get; set; }
}

internal sealed class SigningKeyConfiguration : IEntityTypeConfiguration<SigningKey>
{
    public const string Table = "SigningKeys";

    public void Configure(EntityTypeBuilder<SigningKey> key)
    {
        key.ToTable(Table);
        key.HasKey(k => k.Id);
        key.Property(k => k.Id).HasMaxLength(64);
        key.Property(k => k.Purpose).HasMaxLength(32);
        key.Property(k => k.Secret).HasMaxLength(128);
        key.HasIndex(k => k.Purpose);
    }
}
