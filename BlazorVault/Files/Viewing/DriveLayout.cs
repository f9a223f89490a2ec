using BlazorVault.Accounts;
using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorVault.Files.Viewing;

/// <summary>How the drive shows a folder: rows, or a grid of thumbnails (a gallery).</summary>
public enum DriveLayout
{
    List = 0,
    Grid = 1,
}

/// <summary>A user's choices that follow them to every browser and device.</summary>
public sealed class UserPreference
{
    public required string UserId { get; set; }

    public DriveLayout Layout { get; set; }
}

/// <summary>Reads and keeps <see cref="UserPreference"/>: one row per user, written by one upsert.</summary>
public sealed class PreferenceService(IDbContextFactory<VaultDbContext> dbFactory)
{
    public async Task<DriveLayout> GetLayoutAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Preferences.Where(p => p.UserId == userId).Select(p => p.Layout).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task SetLayoutAsync(string userId, DriveLayout layout, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(layout))
        {
            throw new ArgumentOutOfRangeException(nameof(layout), layout, "Not a layout.");
        }

        var value = (int)layout;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "Preferences" ("UserId", "Layout") VALUES ({userId}, {value})
            ON CONFLICT ("UserId") DO UPDATE SET "Layout" = {value}
            """,
            cancellationToken);
    }
}

internal sealed class UserPreferenceConfiguration : IEntityTypeConfiguration<UserPreference>
{
    public void Configure(EntityTypeBuilder<UserPreference> preference)
    {
        preference.ToTable("Preferences");
        preference.HasKey(p => p.UserId);
        preference.HasOne<VaultUser>().WithOne().HasForeignKey<UserPreference>(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
