using BlazorVault.Sharing;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace BlazorVault.Tests.Data;

/// <summary>
/// Link kinds rebuild the links table on SQLite (its file id becomes optional). Existing links must come out as
/// file links that still work, with their download grants and access logs, which point at the table, kept.
/// </summary>
public sealed class LinkKindsMigrationTests
{
    [Fact]
    public async Task Upgrade_KeepsEveryLinkWorking_WithItsGrantsAndAccessLog()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var bed = await FilesTestBed.CreateAsync();
        await using (var db = await bed.Db.CreateDbContextAsync(cancel))
        {
            await db.GetService<IMigrator>().MigrateAsync("20261129232515_AdminArea", cancel);
            await db.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO "AspNetUsers" ("Id", "UserName", "AccessFailedCount", "EmailConfirmed", "LockoutEnabled", "PhoneNumberConfirmed", "TwoFactorEnabled")
                VALUES ('u1', 'alice', 0, 0, 1, 0, 0);
                INSERT INTO "Files" ("Id", "OwnerId", "Name", "NameKey", "ContentType", "Size", "Sha256", "CreatedAt") VALUES
                ('00000000-0000-7000-8000-000000000001', 'u1', 'old.pdf', 'old.pdf', 'application/pdf', 1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-11-01 00:00:00+00:00');
                INSERT INTO "ShareLinks" ("Id", "PublicId", "FileId", "CreatedById", "CreatedAt", "ExpiresAt", "Downloads", "MaxDownloads", "PasswordVersion", "PasswordFailures", "PasswordFailuresSince", "PausedUntil") VALUES
                ('00000000-0000-7000-8000-0000000000aa', 'abcdefghijklmnopqrstuv', '00000000-0000-7000-8000-000000000001', 'u1', '2026-11-01 00:00:00+00:00', '2099-11-01 00:00:00+00:00', 2, 5, 0, 0, 0, 0);
                INSERT INTO "ShareResumeGrants" ("Id", "LinkId", "CountedAt", "ResumeUntil", "SecretHash", "ClientAddress", "Sha256") VALUES
                ('00000000-0000-7000-8000-0000000000c1', '00000000-0000-7000-8000-0000000000aa', 1, 4102444800, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '127.0.0.1', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
                INSERT INTO "ShareAccesses" ("Id", "LinkId", "At", "Kind", "Network", "Browser") VALUES
                ('00000000-0000-7000-8000-0000000000d1', '00000000-0000-7000-8000-0000000000aa', 1, 1, '127.0.0.0/24', 'Firefox');
                """,
                cancel);

            await db.Database.MigrateAsync(cancel);
        }

        await using var after = await bed.Db.CreateDbContextAsync(cancel);
        var link = await after.ShareLinks.SingleAsync(cancel);
        Assert.Equal(ShareLinkKind.File, link.Kind);
        Assert.Equal(Guid.Parse("00000000-0000-7000-8000-000000000001"), link.FileId);
        Assert.Null(link.FolderId);
        Assert.Equal((2, 5), (link.Downloads, link.MaxDownloads));
        Assert.Equal(1, await after.ShareResumeGrants.CountAsync(cancel));
        Assert.Equal(1, await after.ShareAccesses.CountAsync(cancel));
        Assert.Equal("old.pdf", (await bed.Links.PeekAsync(link.PublicId))?.File.Name);
    }
}
