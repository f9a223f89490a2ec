using BlazorVault.Accounts;
using BlazorVault.Files;
using BlazorVault.Files.Tree;
using BlazorVault.Files.Uploads;
using BlazorVault.Sharing;
using BlazorVault.Storage;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Data;

/// <summary>
/// The app's database. This type is bound to SQLite and its migrations (Data/Migrations);
/// <see cref="PostgreSqlVaultDbContext"/> is the same model bound to PostgreSQL and its own migrations.
/// The app asks for this type only: on PostgreSQL the factory hands out the derived one.
/// </summary>
public class VaultDbContext : IdentityDbContext<VaultUser>, IDataProtectionKeyContext
{
    public VaultDbContext(DbContextOptions<VaultDbContext> options)
        : base(options)
    {
    }

    // For provider-bound subclasses, whose options carry their own type.
    protected VaultDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<StoredFile> Files => Set<StoredFile>();

    public DbSet<Folder> Folders => Set<Folder>();

    public DbSet<FileVersion> FileVersions => Set<FileVersion>();

    public DbSet<ShareLink> ShareLinks => Set<ShareLink>();

    public DbSet<ShareResumeGrant> ShareResumeGrants => Set<ShareResumeGrant>();

    public DbSet<ShareAccess> ShareAccesses => Set<ShareAccess>();

    public DbSet<BlazorVault.Notifications.Notification> Notifications => Set<BlazorVault.Notifications.Notification>();

    public DbSet<UserUsage> Usage => Set<UserUsage>();

    public DbSet<BlobRecord> Blobs => Set<BlobRecord>();

    public DbSet<UploadRecord> Uploads => Set<UploadRecord>();

    public DbSet<JobLease> Leases => Set<JobLease>();

    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    public DbSet<UserSession> Sessions => Set<UserSession>();

    public DbSet<Accounts.Tokens.PersonalAccessToken> AccessTokens => Set<Accounts.Tokens.PersonalAccessToken>();

    public DbSet<UnknownNameLockout> UnknownNameLockouts => Set<UnknownNameLockout>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Files.Thumbnails.Thumbnail> Thumbnails => Set<Files.Thumbnails.Thumbnail>();

    public DbSet<Files.Viewing.UserPreference> Preferences => Set<Files.Viewing.UserPreference>();

    public DbSet<Admin.InstanceSetting> InstanceSettings => Set<Admin.InstanceSetting>();

    public DbSet<Admin.Invite> Invites => Set<Admin.Invite>();

    public DbSet<Admin.AuditEntry> AuditLog => Set<Admin.AuditEntry>();

    public DbSet<JobRun> JobRuns => Set<JobRun>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfiguration(new SigningKeyConfiguration());
        builder.ApplyConfiguration(new UserSessionConfiguration());
        builder.ApplyConfiguration(new Accounts.Tokens.PersonalAccessTokenConfiguration());
        builder.ApplyConfiguration(new UnknownNameLockoutConfiguration());
        builder.ApplyConfiguration<S3StagingRecord>(new S3StagingConfiguration());
        builder.ApplyConfiguration(new Files.Thumbnails.ThumbnailConfiguration());
        builder.ApplyConfiguration(new Files.Viewing.UserPreferenceConfiguration());
        builder.ApplyConfiguration<S3StagingPart>(new S3StagingConfiguration());
        builder.ApplyConfiguration(new VaultUserConfiguration());
        builder.ApplyConfiguration<Admin.InstanceSetting>(new Admin.AdminModelConfiguration());
        builder.ApplyConfiguration<Admin.Invite>(new Admin.AdminModelConfiguration());
        builder.ApplyConfiguration<Admin.AuditEntry>(new Admin.AdminModelConfiguration());
        builder.ApplyConfiguration(new JobRunConfiguration());
        builder.ApplyConfiguration(new ShareAccessConfiguration());
        builder.ApplyConfiguration(new BlazorVault.Notifications.NotificationConfiguration());

        builder.Entity<StoredFile>(file =>
        {
            file.ToTable("Files");
            file.HasKey(f => f.Id);
            file.Property(f => f.Name).HasMaxLength(FileNames.MaxLength);
            file.Property(f => f.NameKey).HasMaxLength(FileNames.MaxLength + 40);
            file.Property(f => f.ContentType).HasMaxLength(200);
            file.Property(f => f.Sha256).HasMaxLength(64).IsFixedLength();
            file.Property(f => f.TrashedAt).HasConversion<UnixTimeConverter>();
            file.Property(f => f.TrashedFrom).HasMaxLength(TreeRules.MaxPathLength);
            file.HasOne<VaultUser>().WithMany().HasForeignKey(f => f.OwnerId).OnDelete(DeleteBehavior.Cascade);
            // No foreign key to Folders: adding one to the existing table would make SQLite rebuild it, and a
            // rebuild inside the migration's transaction cannot turn foreign keys off, so dropping the old table
            // would cascade into its share links. TreeService keeps FolderId pointing at a folder row.
            // The dashboard pages a folder by id (= upload time) or name; the consistency check counts by hash.
            file.HasIndex(f => new { f.OwnerId, f.FolderId, f.NameKey }).IsUnique().HasFilter("\"TrashId\" IS NULL");
            file.HasIndex(f => new { f.OwnerId, f.Id });
            // A folder's page in upload order (the dashboard's default) without sorting the folder.
            file.HasIndex(f => new { f.OwnerId, f.FolderId, f.Id }).HasFilter("\"TrashId\" IS NULL");
            file.HasIndex(f => new { f.OwnerId, f.TrashId });
            file.HasIndex(f => f.FolderId);
            file.HasIndex(f => f.Sha256);
        });

        builder.Entity<Folder>(folder =>
        {
            folder.ToTable("Folders");
            folder.HasKey(f => f.Id);
            folder.Property(f => f.Name).HasMaxLength(FileNames.MaxLength);
            folder.Property(f => f.NameKey).HasMaxLength(FileNames.MaxLength + 40);
            folder.Property(f => f.CreatedAt).HasConversion<UnixTimeConverter>();
            folder.Property(f => f.ChangedAt).HasConversion<UnixTimeConverter>();
            folder.Property(f => f.TrashedAt).HasConversion<UnixTimeConverter>();
            folder.Property(f => f.TrashedFrom).HasMaxLength(TreeRules.MaxPathLength);
            folder.HasOne<VaultUser>().WithMany().HasForeignKey(f => f.OwnerId).OnDelete(DeleteBehavior.Cascade);
            folder.HasOne<Folder>().WithMany().HasForeignKey(f => f.ParentId).OnDelete(DeleteBehavior.SetNull);
            // The root's entries (ParentId null) are kept unique by the tree lock: NULLs never clash in a unique index.
            folder.HasIndex(f => new { f.OwnerId, f.ParentId, f.NameKey }).IsUnique().HasFilter("\"TrashId\" IS NULL");
            folder.HasIndex(f => new { f.OwnerId, f.TrashId });
            folder.HasIndex(f => f.ParentId);
        });

        builder.Entity<FileVersion>(version =>
        {
            version.ToTable("FileVersions");
            version.HasKey(v => v.Id);
            version.Property(v => v.ContentType).HasMaxLength(200);
            version.Property(v => v.Sha256).HasMaxLength(64).IsFixedLength();
            version.Property(v => v.CreatedAt).HasConversion<UnixTimeConverter>();
            version.Property(v => v.ReplacedAt).HasConversion<UnixTimeConverter>();
            // Purges release each version's charge and blob reference before the rows go; the cascade only backs that up.
            version.HasOne<StoredFile>().WithMany().HasForeignKey(v => v.FileId).OnDelete(DeleteBehavior.Cascade);
            version.HasIndex(v => new { v.FileId, v.Id });
            version.HasIndex(v => v.Sha256);
        });

        builder.Entity<ShareLink>(link =>
        {
            link.ToTable("ShareLinks");
            link.HasKey(l => l.Id);
            // Deleting a file ends its links.
            link.HasOne<StoredFile>().WithMany().HasForeignKey(l => l.FileId).OnDelete(DeleteBehavior.Cascade);
            link.HasIndex(l => l.FileId);
            // Purging a folder ends the links to it and the file requests into it.
            link.HasOne<Folder>().WithMany().HasForeignKey(l => l.FolderId).OnDelete(DeleteBehavior.Cascade);
            link.HasIndex(l => l.FolderId);
            link.Property(l => l.PublicId).HasMaxLength(64);
            link.HasIndex(l => l.PublicId).IsUnique();
            link.Property(l => l.PasswordHash).HasMaxLength(100);
            link.Property(l => l.PasswordFailuresSince).HasConversion<UnixTimeConverter>();
            link.Property(l => l.PausedUntil).HasConversion<UnixTimeConverter>();
            // The Links page lists a user's links, newest first (ids are time-ordered).
            link.HasIndex(l => new { l.CreatedById, l.Id });
        });

        builder.Entity<ShareResumeGrant>(grant =>
        {
            grant.ToTable("ShareResumeGrants");
            grant.HasKey(g => g.Id);
            grant.HasOne<ShareLink>().WithMany().HasForeignKey(g => g.LinkId).OnDelete(DeleteBehavior.Cascade);
            grant.Property(g => g.CountedAt).HasConversion<UnixTimeConverter>();
            grant.Property(g => g.ResumeUntil).HasConversion<UnixTimeConverter>();
            grant.Property(g => g.SecretHash).HasMaxLength(64).IsFixedLength();
            grant.Property(g => g.ClientAddress).HasMaxLength(64);
            grant.Property(g => g.Sha256).HasMaxLength(64).IsFixedLength();
            grant.HasIndex(g => new { g.LinkId, g.ResumeUntil });
        });

        builder.Entity<UserUsage>(usage =>
        {
            usage.ToTable("Usage");
            usage.HasKey(u => u.UserId);
            usage.HasOne<VaultUser>().WithOne().HasForeignKey<UserUsage>(u => u.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<BlobRecord>(blob =>
        {
            blob.ToTable("Blobs");
            blob.HasKey(b => b.Sha256);
            blob.Property(b => b.Sha256).HasMaxLength(64).IsFixedLength();
            blob.Property(b => b.PendingUntil).HasConversion<UnixTimeConverter>();
            // The sweep looks for unused blobs.
            blob.HasIndex(b => b.RefCount);
        });

        builder.Entity<UploadRecord>(upload =>
        {
            upload.ToTable("Uploads");
            upload.HasKey(u => u.Id);
            upload.Property(u => u.Id).HasMaxLength(32);
            upload.Property(u => u.Name).HasMaxLength(FileNames.MaxLength);
            upload.Property(u => u.ContentType).HasMaxLength(200);
            upload.Property(u => u.LeaseHolder).HasMaxLength(32);
            upload.Property(u => u.OffsetStamp).HasMaxLength(32);
            upload.Property(u => u.Conflict).HasMaxLength(16);
            upload.Property(u => u.RelativePath).HasMaxLength(TreeRules.MaxPathLength);
            upload.Ignore(u => u.Placement);
            upload.Property(u => u.CreatedAt).HasConversion<UnixTimeConverter>();
            upload.Property(u => u.ExpiresAt).HasConversion<UnixTimeConverter>();
            upload.Property(u => u.LeaseUntil).HasConversion<UnixTimeConverter>();
            upload.HasOne<VaultUser>().WithMany().HasForeignKey(u => u.OwnerId).OnDelete(DeleteBehavior.Cascade);
            upload.HasIndex(u => u.OwnerId);
            upload.HasIndex(u => u.ExpiresAt);
            // No foreign key: an upload outlives its link's row only to be swept, and then releases nothing of it.
            upload.HasIndex(u => u.ShareLinkId);
            upload.Property(u => u.VisitorKey).HasMaxLength(64);
        });

        builder.Entity<JobLease>(lease =>
        {
            lease.ToTable("Leases");
            lease.HasKey(l => l.Name);
            lease.Property(l => l.Name).HasMaxLength(100);
            lease.Property(l => l.Holder).HasMaxLength(100);
            lease.Property(l => l.ExpiresAt).HasConversion<UnixTimeConverter>();
        });
    }
}
