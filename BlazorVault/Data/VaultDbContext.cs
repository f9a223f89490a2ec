using BlazorVault.Accounts;
using BlazorVault.Files;
using BlazorVault.Sharing;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Data;

public sealed class VaultDbContext(DbContextOptions<VaultDbContext> options) : IdentityDbContext<VaultUser>(options), IDataProtectionKeyContext
{
    public DbSet<StoredFile> Files => Set<StoredFile>();

    public DbSet<ShareLink> ShareLinks => Set<ShareLink>();

    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfiguration(new SigningKeyConfiguration());

        builder.Entity<StoredFile>(file =>
        {
            file.ToTable("Files");
            file.HasKey(f => f.Id);
            file.Property(f => f.Name).HasMaxLength(FileNames.MaxLength);
            file.Property(f => f.ContentType).HasMaxLength(200);
            file.Property(f => f.Sha256).HasMaxLength(64).IsFixedLength();
            file.HasOne<VaultUser>().WithMany().HasForeignKey(f => f.OwnerId).OnDelete(DeleteBehavior.Cascade);
            // The dashboard pages by owner in id (= upload time) or name order; the sweep looks up by hash.
            file.HasIndex(f => new { f.OwnerId, f.Id });
            file.HasIndex(f => new { f.OwnerId, f.Name });
            file.HasIndex(f => f.Sha256);
        });

        builder.Entity<ShareLink>(link =>
        {
            link.ToTable("ShareLinks");
            link.HasKey(l => l.Id);
            // Deleting a file ends its links.
            link.HasOne<StoredFile>().WithMany().HasForeignKey(l => l.FileId).OnDelete(DeleteBehavior.Cascade);
            link.HasIndex(l => l.FileId);
        });
    }
}
