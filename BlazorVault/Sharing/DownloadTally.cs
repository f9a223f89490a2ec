using System.Collections.Concurrent;
using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Sharing;

/// <summary>
/// Download counts of links without a download limit. Nothing depends on such a count but what the owner
/// reads, so a download adds one in memory and <see cref="DownloadTallyWriter"/> writes each link's sum in
/// one statement every second and at shutdown, instead of every download writing the row (on SQLite
/// those writers queue behind one another). A link with a limit never comes here: its count is taken by
/// one conditional statement per download, because the limit must hold. The price, accepted: a crash
/// loses at most the last second of counts of unlimited links.
/// </summary>
public sealed class DownloadTally(IDbContextFactory<VaultDbContext> dbFactory, WriteGate writeGate, ILogger<DownloadTally> logger)
{
    private sealed class Pending
    {
        public int Count;

        public long LastTicks;

        /// <summary>Set under the lock when a flush has taken this entry; an <see cref="Add"/> that finds it set goes to the new map.</summary>
        public bool Taken;
    }

    private readonly ConcurrentDictionary<Guid, Pending> _pending = new();

    private readonly SemaphoreSlim _flushing = new(1, 1);

    public void Add(Guid linkId, DateTimeOffset at)
    {
        while (true)
        {
            var pending = _pending.GetOrAdd(linkId, static _ => new Pending());
            lock (pending)
            {
                if (!pending.Taken)
                {
                    pending.Count++;
                    pending.LastTicks = Math.Max(pending.LastTicks, at.UtcTicks);
                    return;
                }
            }
        }
    }

    /// <summary>Counts added and not yet written (for tests and the owner's own reads).</summary>
    public int PendingFor(Guid linkId) =>
        _pending.TryGetValue(linkId, out var pending) ? Volatile.Read(ref pending.Count) : 0;

    /// <summary>Writes what was counted up to now: one statement per link.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            if (_pending.IsEmpty)
            {
                return;
            }

            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            foreach (var (linkId, pending) in _pending)
            {
                int count;
                DateTimeOffset last;
                lock (pending)
                {
                    (count, last) = (pending.Count, new DateTimeOffset(pending.LastTicks, TimeSpan.Zero));
                    pending.Count = 0;
                    if (count == 0)
                    {
                        // Idle for a whole round: the entry goes. An Add that still reached it finds the mark
                        // and makes a new one, so no count is lost or written twice.
                        pending.Taken = true;
                        _pending.TryRemove(new KeyValuePair<Guid, Pending>(linkId, pending));
                        continue;
                    }
                }

                try
                {
                    using var turn = await writeGate.EnterAsync(CancellationToken.None);
                    // A link deleted meanwhile (with its file) matches nothing, and its count goes with it.
                    await db.ShareLinks.Where(l => l.Id == linkId).ExecuteUpdateAsync(
                        s => s.SetProperty(l => l.Downloads, l => l.Downloads + count)
                            .SetProperty(l => l.LastDownloadAt, last),
                        CancellationToken.None);
                }
                catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
                {
                    // Counting must never take the app down; a count that cannot be written is lost, and said so.
                    logger.LogError(e, "Download counts: {Count} downloads of link {LinkId} could not be written", count, linkId);
                }
            }
        }
        finally
        {
            _flushing.Release();
        }
    }
}

/// <summary>Writes <see cref="DownloadTally"/> every second, and what is left when the app stops.</summary>
public sealed class DownloadTallyWriter(DownloadTally tally, TimeProvider clock, ILogger<DownloadTallyWriter> logger) : EverySecondWriter(clock, logger)
{
    protected override string What => "Download counts";

    protected override Task FlushAsync(CancellationToken cancellationToken) => tally.FlushAsync(cancellationToken);
}
