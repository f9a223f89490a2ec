using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorVault.Accounts;

/// <summary>
/// Wrong sign-ins under a user name that has no account, counted as Identity counts them for a real one
/// (<c>AccessFailedCount</c>, <c>LockoutEnd</c>), so that the warning before a lockout and the lockout
/// itself come to unknown names too: what the sign-in form says never tells whether a name exists.
/// </summary>
public sealed class UnknownNameLockout
{
    /// <summary>The name as Identity normalizes it (<c>NormalizedUserName</c>).</summary>
    public required string NormalizedName { get; init; }

    public int FailedCount { get; set; }

    /// <summary>When the name is locked until; the Unix epoch when it is not.</summary>
    public DateTimeOffset LockoutEnd { get; set; }

    /// <summary>For the sweep: rows nobody tried for a while go.</summary>
    public DateTimeOffset LastFailureAt { get; set; }
}

internal sealed class UnknownNameLockoutConfiguration : IEntityTypeConfiguration<UnknownNameLockout>
{
    public void Configure(EntityTypeBuilder<UnknownNameLockout> lockout)
    {
        lockout.ToTable("UnknownNameLockouts");
        lockout.HasKey(l => l.NormalizedName);
        lockout.Property(l => l.NormalizedName).HasMaxLength(256);
        lockout.Property(l => l.LockoutEnd).HasConversion<UnixTimeConverter>();
        lockout.Property(l => l.LastFailureAt).HasConversion<UnixTimeConverter>();
        lockout.HasIndex(l => l.LastFailureAt);
    }
}
