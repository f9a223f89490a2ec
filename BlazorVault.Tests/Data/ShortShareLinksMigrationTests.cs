using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace BlazorVault.Tests.Data;

/// <summary>Links handed out before short URLs get an unguessable id of their own in the upgrade.</summary>
public sealed class ShortShareLinksMigrationTests
{
    [Fact]
    public async Task Upgrade_GivesEveryExistingLinkItsOwnRandomShortId()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var bed = await FilesTestBed.CreateAsync();
        await using (var db = await bed.Db.CreateDbContextAsync(cancel))
        {
            await db.GetService<IMigrator>().MigrateAsync("20261124182708_ShareLinks", cancel);
            await db.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO "AspNetUsers" ("Id", "UserName", "AccessFailedCount", "EmailConfirmed", "LockoutEnabled", "PhoneNumberConfirmed", "TwoFactorEnabled")
                VALUES ('u1', 'alice', 0, 0, 1, 0, 0);
                INSERT INTO "Files" ("Id", "OwnerId", "Name", "ContentType", "Size", "Sha256", "CreatedAt") VALUES
                ('00000000-0000-7000-8000-000000000001', 'u1', 'old.pdf', 'application/pdf', 1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-11-01 00:00:00+00:00');
                INSERT INTO "ShareLinks" ("Id", "FileId", "CreatedById", "CreatedAt", "ExpiresAt", "Downloads") VALUES
                ('00000000-0000-7000-8000-0000000000aa', '00000000-0000-7000-8000-000000000001', 'u1', '2026-11-01 00:00:00+00:00', '2099-11-01 00:00:00+00:00', 0),
                ('00000000-0000-7000-8000-0000000000bb', '00000000-0000-7000-8000-000000000001', 'u1', '2026-11-01 00:00:00+00:00', '2099-11-01 00:00:00+00:00', 0);
                """,
                cancel);

            await db.Database.MigrateAsync(cancel);
        }

        await using var after = await bed.Db.CreateDbContextAsync(cancel);
        var ids = await after.ShareLinks.Select(l => l.PublicId).ToListAsync(cancel);
        Assert.Equal(2, ids.Count);
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.NotEqual(ids[0], ids[1]);
        var shared = await bed.Links.PeekAsync(ids[0]);
        Assert.Equal("old.pdf", shared?.File.Name);
    }
}
