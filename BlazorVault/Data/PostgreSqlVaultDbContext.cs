using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Data;

/// <summary>
/// <see cref="VaultDbContext"/> on PostgreSQL: the same model, bound to its own migrations
/// (Data/Migrations/PostgreSql) because EF Core keeps one set of migrations per context type.
/// </summary>
public sealed class PostgreSqlVaultDbContext(DbContextOptions<PostgreSqlVaultDbContext> options) : VaultDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Case-insensitive, accent-sensitive ordering like SQLite's NOCASE (for names beyond ASCII, better).
        builder.HasCollation(CaseInsensitiveCollation, locale: "und-u-ks-level2", provider: "icu", deterministic: false);
        // character(n) pads and compares as its own type, which keeps text parameters (raw SQL) off its indexes.
        builder.Entity<Files.StoredFile>().Property(f => f.Sha256).IsFixedLength(false);
        builder.Entity<Storage.BlobRecord>().Property(b => b.Sha256).IsFixedLength(false);
    }
}
