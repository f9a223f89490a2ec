using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Notifications;

/// <summary>
/// This instance's one reader of new notifications: every <see cref="Interval"/> (at once when <see cref="NotificationHub.Wake"/>
/// rings) it reads the rows of the users subscribed here that arrived or were marked read lately, and hands each user's to
/// their circuits. Any instance may have written them: the rows are the truth, this only carries them.
/// </summary>
/// <remarks>
/// It looks back <see cref="Lookback"/> each time rather than from a high-water mark alone: a row's time is set when its
/// download ended, and it becomes visible only when its batch commits, up to a few seconds later, perhaps on another
/// instance whose clock runs a little differently; a row that shows up late behind a newer one is still found. The ids
/// already handed on within the window are remembered, so each arrives once.
/// </remarks>
public sealed class NotificationPoller(
    IDbContextFactory<VaultDbContext> dbFactory, NotificationHub hub, TimeProvider clock, ILogger<NotificationPoller> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan Lookback = TimeSpan.FromSeconds(10);

    // Beyond this many users online here, one query for everyone's recent rows beats a huge IN list.
    private const int MaxUsersInQuery = 500;

    private const int MaxRowsPerPoll = 2_000;

    private readonly SemaphoreSlim _polling = new(1, 1);
    private readonly Dictionary<Guid, DateTimeOffset> _arrivedSeen = [];
    private readonly Dictionary<Guid, DateTimeOffset> _readSeen = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await hub.WaitAsync(Interval, stoppingToken);
                await PollOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Never stops the host: the next tick tries again, and the rows wait for it.
                logger.LogError(e, "Notifications: polling failed; it tries again in {Interval}", Interval);
            }
        }
    }

    /// <summary>One look (the loop's tick, and tests).</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken = default)
    {
        await _polling.WaitAsync(cancellationToken);
        try
        {
            var users = hub.Subscribed();
            var now = clock.GetUtcNow();
            Forget(_arrivedSeen, now - 2 * Lookback);
            Forget(_readSeen, now - 2 * Lookback);
            if (users.Count == 0)
            {
                return;
            }

            var since = now - Lookback;
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var arrivedQuery = db.Notifications.AsNoTracking().Where(n => n.At >= since);
            var readQuery = db.Notifications.AsNoTracking().Where(n => n.ReadAt >= since);
            if (users.Count <= MaxUsersInQuery)
            {
                arrivedQuery = arrivedQuery.Where(n => users.Contains(n.OwnerId));
                readQuery = readQuery.Where(n => users.Contains(n.OwnerId));
            }

            var arrived = await arrivedQuery.OrderBy(n => n.Id).Take(MaxRowsPerPoll).ToListAsync(cancellationToken);
            var read = await readQuery.OrderBy(n => n.Id).Select(n => new { n.Id, n.OwnerId, n.ReadAt }).Take(MaxRowsPerPoll).ToListAsync(cancellationToken);

            var fresh = arrived.Where(n => _arrivedSeen.TryAdd(n.Id, n.At)).ToList();
            var readBy = read.Where(r => _readSeen.TryAdd(r.Id, r.ReadAt!.Value)).Select(r => r.OwnerId).ToHashSet(StringComparer.Ordinal);
            foreach (var owner in fresh.Select(n => n.OwnerId).Concat(readBy).Distinct(StringComparer.Ordinal))
            {
                var theirs = fresh.Where(n => n.OwnerId == owner).Select(NotificationItem.Of).ToList();
                await hub.PublishAsync(owner, new NotificationUpdate(theirs, readBy.Contains(owner)));
            }
        }
        finally
        {
            _polling.Release();
        }
    }

    private static void Forget(Dictionary<Guid, DateTimeOffset> seen, DateTimeOffset before)
    {
        foreach (var id in seen.Where(p => p.Value < before).Select(p => p.Key).ToList())
        {
            seen.Remove(id);
        }
    }
}

/// <summary>Deletes notifications older than <c>Vault:Links:AccessLogDays</c>, as the access log's purge does its entries.</summary>
public sealed class NotificationPurger(
    NotificationStore store, JobLeases leases, InstanceIdentity instance, Microsoft.Extensions.Options.IOptions<VaultOptions> vault,
    Microsoft.Extensions.Options.IOptions<Sharing.ShareOptions> options, TimeProvider clock, ILogger<NotificationPurger> logger)
    : LeasedJob(leases, instance, clock, logger)
{
    protected override string Name => "notification-purge";

    protected override TimeSpan Interval => vault.Value.Maintenance.Interval;

    protected override async Task<string?> RunOnceAsync(CancellationToken cancellationToken) =>
        await store.PurgeAsync(options.Value.AccessLogDays, cancellationToken) is var purged and > 0
            ? $"purged {purged} notifications past {options.Value.AccessLogDays} days"
            : null;
}
