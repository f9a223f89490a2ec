using BlazorVault.Data;
using BlazorVault.Storage;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace BlazorVault.Tests.Data;

/// <summary>An installation from before the coordination tables keeps its files' usage and blob references on upgrade.</summary>
public sealed class CoordinationMigrationTests
{
    [Fact]
    public async Task Upgrade_FillsUsageAndBlobReferencesFromTheExistingFiles()
    {
        await using var bed = await FilesTestBed.CreateAsync();
        await using (var db = await bed.Db.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            // Back to the schema before this stage, with files in it, as an existing installation has.
            await db.GetService<IMigrator>().MigrateAsync("20261124182708_ShareLinks", TestContext.Current.CancellationToken);
            await db.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO "AspNetUsers" ("Id", "UserName", "AccessFailedCount", "EmailConfirmed", "LockoutEnabled", "PhoneNumberConfirmed", "TwoFactorEnabled")
                VALUES ('u1', 'alice', 0, 0, 1, 0, 0), ('u2', 'bob', 0, 0, 1, 0, 0), ('u3', 'carol', 0, 0, 1, 0, 0);
                INSERT INTO "Files" ("Id", "OwnerId", "Name", "ContentType", "Size", "Sha256", "CreatedAt") VALUES
                ('00000000-0000-0000-0000-000000000001', 'u1', 'a', 'x/y', 10, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-11-01 00:00:00+00:00'),
                ('00000000-0000-0000-0000-000000000002', 'u1', 'b', 'x/y', 20, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '2026-11-01 00:00:00+00:00'),
                ('00000000-0000-0000-0000-000000000003', 'u2', 'a', 'x/y', 10, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-11-01 00:00:00+00:00');
                """,
                TestContext.Current.CancellationToken);

            await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
        }

        await using var after = await bed.Db.CreateDbContextAsync(TestContext.Current.CancellationToken);
        var usage = await after.Usage.OrderBy(u => u.UserId).Select(u => new { u.UserId, u.UsedBytes }).ToListAsync(TestContext.Current.CancellationToken);
        var blobs = await after.Blobs.OrderBy(b => b.Sha256).Select(b => new { b.Sha256, b.RefCount, b.Size, b.Pending }).ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal([("u1", 30L), ("u2", 10L), ("u3", 0L)], usage.Select(u => (u.UserId, u.UsedBytes)));
        Assert.Equal([(new string('a', 64), 2L, 10L, 0), (new string('b', 64), 1L, 20L, 0)], blobs.Select(b => (b.Sha256, b.RefCount, b.Size, b.Pending)));
        // The check agrees but for the bytes, which this test never wrote.
        var report = await bed.Services.GetRequiredService<ConsistencyCheck>().RunAsync(repair: false, TestContext.Current.CancellationToken);
        Assert.Empty(report.WrongReferenceCounts);
        Assert.Empty(report.WrongUsage);
        Assert.Equal(2, report.MissingBytes.Count);
    }
}
