using BlazorVault.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorVault.Accounts;

public sealed class VaultUser : IdentityUser
{
    /// <summary>Administers the instance (besides the names in <c>Vault:Admin:UserNames</c>): the first account of an empty instance, or one an admin chose.</summary>
    public bool IsAdmin { get; set; }

    /// <summary>
    /// Set while an admin has disabled the account: it cannot sign in, and its tokens and share links are refused.
    /// Its sessions were deleted (and its security stamp replaced) in the statement that set this.
    /// </summary>
    public DateTimeOffset? DisabledAt { get; set; }

    /// <summary>The user's own quota; null: <c>Vault:DefaultQuotaBytes</c>.</summary>
    public long? QuotaBytes { get; set; }

    /// <summary>Null for accounts made before this was recorded.</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>The last successful sign-in (a session or an API token); null when never since this was recorded.</summary>
    public DateTimeOffset? LastSignInAt { get; set; }
}

internal sealed class VaultUserConfiguration : IEntityTypeConfiguration<VaultUser>
{
    public void Configure(EntityTypeBuilder<VaultUser> user)
    {
        user.Property(u => u.DisabledAt).HasConversion<UnixTimeConverter>();
        user.Property(u => u.CreatedAt).HasConversion<UnixTimeConverter>();
        user.Property(u => u.LastSignInAt).HasConversion<UnixTimeConverter>();
    }
}
