using BlazorVault.Files.Tree;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorVault.Tests.Data;

/// <summary>An installation from before folders keeps every file, in the root, with names made unique.</summary>
public sealed class FoldersMigrationTests
{
    [Fact]
    public async Task Upgrade_PutsEveryFileInTheRoot_AndNumbersTheNamesTheFlatListHeldTwice()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var bed = await FilesTestBed.CreateAsync();
        await using (var db = await bed.Db.CreateDbContextAsync(cancel))
        {
            await db.GetService<IMigrator>().MigrateAsync("20261129170555_Coordination", cancel);
            await db.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO "AspNetUsers" ("Id", "UserName", "AccessFailedCount", "EmailConfirmed", "LockoutEnabled", "PhoneNumberConfirmed", "TwoFactorEnabled")
                VALUES ('u1', 'alice', 0, 0, 1, 0, 0), ('u2', 'bob', 0, 0, 1, 0, 0);
                INSERT INTO "Files" ("Id", "OwnerId", "Name", "ContentType", "Size", "Sha256", "CreatedAt") VALUES
                ('00000000-0000-7000-8000-000000000001', 'u1', 'Report.pdf', 'x/y', 1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-11-01 00:00:00+00:00'),
                ('00000000-0000-7000-8000-000000000002', 'u1', 'report.pdf', 'x/y', 1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-11-02 00:00:00+00:00'),
                ('00000000-0000-7000-8000-000000000003', 'u1', 'REPORT.pdf', 'x/y', 1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-11-03 00:00:00+00:00'),
                ('00000000-0000-7000-8000-000000000004', 'u1', 'Ärger.txt', 'x/y', 1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-11-03 00:00:00+00:00'),
                ('00000000-0000-7000-8000-000000000005', 'u1', 'ärger.txt', 'x/y', 1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-11-03 00:00:00+00:00'),
                ('00000000-0000-7000-8000-000000000006', 'u2', 'report.pdf', 'x/y', 1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-11-01 00:00:00+00:00');
                INSERT INTO "ShareLinks" ("Id", "FileId", "CreatedById", "CreatedAt", "ExpiresAt", "Downloads") VALUES
                ('00000000-0000-7000-8000-0000000000aa', '00000000-0000-7000-8000-000000000001', 'u1', '2026-11-01 00:00:00+00:00', '2027-11-01 00:00:00+00:00', 0);
                """,
                cancel);

            await db.Database.MigrateAsync(cancel);
            Assert.Equal(6, await TreeBackfill.RunAsync(db, NullLogger.Instance, cancel));
            Assert.Equal(0, await TreeBackfill.RunAsync(db, NullLogger.Instance, cancel));
        }

        await using var after = await bed.Db.CreateDbContextAsync(cancel);
        var files = await after.Files.OrderBy(f => f.Id).Select(f => new { f.OwnerId, f.Name, f.NameKey, f.FolderId }).ToListAsync(cancel);
        Assert.Equal(
            [("u1", "Report.pdf"), ("u1", "report (2).pdf"), ("u1", "REPORT (3).pdf"), ("u1", "Ärger.txt"), ("u1", "ärger (2).txt"), ("u2", "report.pdf")],
            files.Select(f => (f.OwnerId, f.Name)));
        Assert.All(files, f => Assert.Null(f.FolderId));
        Assert.All(files, f => Assert.Equal(NameKeys.For(f.Name), f.NameKey));
        // The upgrade never rebuilds the files table, whose drop would take its share links along.
        Assert.Equal(1, await after.ShareLinks.CountAsync(cancel));
        // The root's kept child counts were set from the rows.
        Assert.Equal(5, (await bed.Tree.ListAsync("u1", null, new BlazorVault.Files.FileQuery(), cancel))!.Total);
        Assert.Equal(1, (await bed.Tree.ListAsync("u2", null, new BlazorVault.Files.FileQuery(), cancel))!.Total);
    }
}
