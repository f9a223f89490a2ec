using System.Text;
using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Sharing;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BlazorVault.Tests.Data;

/// <summary>Expired resume grants and sessions are not deleted where they are written, so a job must take them.</summary>
public sealed class ExpiredRowSweeperTests
{
    [Fact]
    public async Task Sweep_RemovesExpiredGrantsAndSessions_AndKeepsLiveOnes()
    {
        var cancel = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        await using var bed = await FilesTestBed.CreateAsync(clock: clock);
        var alice = await bed.AddUserAsync("alice");
        var stored = await bed.Files.UploadAsync(alice, "a.txt", "text/plain", new MemoryStream(Encoding.UTF8.GetBytes("hello")));
        var file = Assert.IsType<UploadResult.Stored>(stored).File;
        var link = Assert.IsType<CreateLinkResult.Created>(await bed.Links.CreateAsync(alice, file.Id, TimeSpan.FromDays(7), 10)).Link;
        var grant = await bed.Links.GrantDownloadAsync(link.PublicId, new DownloadRequest(), new ShareClient("192.0.2.1"), cancel);
        Assert.NotNull((await bed.Links.RedeemAsync(grant, new DownloadRequest(), new ShareClient("192.0.2.1"), link.PublicId, cancel))!.ResumeSecret);
        await using (var db = await bed.Db.CreateDbContextAsync(cancel))
        {
            db.Sessions.Add(new UserSession { Id = "old", UserId = alice, SecurityStamp = "s", Ticket = [1], CreatedAt = clock.GetUtcNow(), ExpiresAt = clock.GetUtcNow().AddHours(1) });
            db.Sessions.Add(new UserSession { Id = "new", UserId = alice, SecurityStamp = "s", Ticket = [1], CreatedAt = clock.GetUtcNow(), ExpiresAt = clock.GetUtcNow().AddDays(14) });
            await db.SaveChangesAsync(cancel);
        }

        var sweeper = new ExpiredRowSweeper(
            bed.Db, bed.Services.GetRequiredService<JobLeases>(), bed.Services.GetRequiredService<InstanceIdentity>(),
            bed.Services.GetRequiredService<IOptions<VaultOptions>>(), clock, NullLogger<ExpiredRowSweeper>.Instance);
        Assert.Equal((0, 0), await sweeper.SweepAsync(cancel));

        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal((1, 1), await sweeper.SweepAsync(cancel));

        await using var after = await bed.Db.CreateDbContextAsync(cancel);
        Assert.Equal(0, await after.ShareResumeGrants.CountAsync(cancel));
        Assert.Equal(["new"], await after.Sessions.Select(s => s.Id).ToListAsync(cancel));
    }
}
