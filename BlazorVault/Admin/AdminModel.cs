using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorVault.Admin;

/// <summary>An instance-wide setting an admin changed (configuration is the default), or a one-time claim such as the first admin.</summary>
public sealed class InstanceSetting
{
    public required string Key { get; set; }

    public required string Value { get; set; }
}

/// <summary>
/// A single-use registration link. Only the SHA-256 of its secret is stored; the link is shown once. It is
/// used by one conditional update in the transaction that creates the account, so two registrations
/// with one link give one account.
/// </summary>
public sealed class Invite
{
    public Guid Id { get; set; }

    /// <summary>Lower-case hex SHA-256 of the secret in the link.</summary>
    public required string SecretHash { get; set; }

    public required string CreatedByName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The quota the new account gets; null: the default.</summary>
    public long? QuotaBytes { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    public string? UsedByName { get; set; }
}

/// <summary>One admin action: who did what to whom, and when. Names, not keys: the entry outlives a deleted account.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public required string ActorId { get; set; }

    public required string ActorName { get; set; }

    public required string Action { get; set; }

    public string? Target { get; set; }

    public string? Detail { get; set; }
}

internal sealed class AdminModelConfiguration :
    IEntityTypeConfiguration<InstanceSetting>, IEntityTypeConfiguration<Invite>, IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<InstanceSetting> builder)
    {
        builder.ToTable("InstanceSettings");
        builder.HasKey(s => s.Key);
        builder.Property(s => s.Key).HasMaxLength(100);
        builder.Property(s => s.Value).HasMaxLength(1000);
    }

    public void Configure(EntityTypeBuilder<Invite> builder)
    {
        builder.ToTable("Invites");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.SecretHash).HasMaxLength(64).IsFixedLength();
        builder.HasIndex(i => i.SecretHash).IsUnique();
        builder.Property(i => i.CreatedByName).HasMaxLength(256);
        builder.Property(i => i.UsedByName).HasMaxLength(256);
        builder.Property(i => i.CreatedAt).HasConversion<UnixTimeConverter>();
        builder.Property(i => i.ExpiresAt).HasConversion<UnixTimeConverter>();
        builder.Property(i => i.UsedAt).HasConversion<UnixTimeConverter>();
    }

    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditLog");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.At).HasConversion<UnixTimeConverter>();
        builder.Property(a => a.ActorId).HasMaxLength(450);
        builder.Property(a => a.ActorName).HasMaxLength(256);
        builder.Property(a => a.Action).HasMaxLength(100);
        builder.Property(a => a.Target).HasMaxLength(256);
        builder.Property(a => a.Detail).HasMaxLength(1000);
        builder.HasIndex(a => a.At);
    }
}
