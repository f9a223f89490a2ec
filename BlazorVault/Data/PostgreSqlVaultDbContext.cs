using BlazorVault.Files;
using BlazorVault.Files.Tree;
using BlazorVault.Storage;
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
        // Name keys are folded already: they compare and sort by their bytes, as on SQLite, whatever the
        // database's locale, and a prefix LIKE (the next free "name (n)") can use their index.
        builder.Entity<StoredFile>().Property(f => f.NameKey).UseCollation("C");
        builder.Entity<Folder>().Property(f => f.NameKey).UseCollation("C");
        // character(n) pads and compares as its own type, which keeps text parameters (raw SQL) off its indexes.
        builder.Entity<StoredFile>().Property(f => f.Sha256).IsFixedLength(false);
        builder.Entity<FileVersion>().Property(v => v.Sha256).IsFixedLength(false);
        builder.Entity<BlobRecord>().Property(b => b.Sha256).IsFixedLength(false);
    }
}
