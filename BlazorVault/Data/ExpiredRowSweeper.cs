using BlazorVault.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Data;

/// <summary>
/// Deletes rows whose time is over and that nothing reads any more: share links' resume grants past their
/// window and sessions past their expiry. Neither decides anything once expired (every read checks the
/// time), so they go here, periodically and on one instance at a time, and not on the hot paths that
/// would otherwise delete them as they write.
/// </summary>
public sealed class ExpiredRowSweeper(
    IDbContextFactory<VaultDbContext> dbFactory, JobLeases leases, InstanceIdentity instance, IOptions<VaultOptions> options,
    TimeProvider clock, ILogger<ExpiredRowSweeper> logger)
    : LeasedJob(leases, instance, clock, logger)
{
    protected override string Name => "expired-rows";

    protected override TimeSpan Interval => options.Value.Maintenance.Interval;

    protected override async Task<string?> RunOnceAsync(CancellationToken cancellationToken)
    {
        var (grants, sessions) = await SweepAsync(cancellationToken);
        return grants + sessions > 0 ? $"removed {grants} expired resume grants and {sessions} expired sessions" : null;
    }

    public async Task<(int Grants, int Sessions)> SweepAsync(CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var grants = await db.ShareResumeGrants.Where(g => g.ResumeUntil <= now).ExecuteDeleteAsync(cancellationToken);
        var sessions = await db.Sessions.Where(s => s.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        return (grants, sessions);
    }
}
