using System.Collections.Concurrent;
using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Sharing;

/// <summary>
/// Counts downloads of links with a download limit, in groups. Each download still takes its count by its
/// own conditional statement (so one download left and many requests at once give exactly one), but the
/// downloads that arrive while a group is being written go together into the next transaction: one commit,
/// and on SQLite one flush of the write-ahead log, for all of them, instead of one each. A count is durable
/// when its task completes, and its grant with it.
/// </summary>
public sealed class LimitedDownloadCounts(IDbContextFactory<VaultDbContext> dbFactory, WriteGate writeGate, ILogger<LimitedDownloadCounts> logger)
{
    /// <summary>At most this many counts go into one transaction.</summary>
    public const int GroupSize = 256;

    private sealed record Request(Guid LinkId, Guid? FileId, ShareResumeGrant Grant)
    {
        public TaskCompletionSource<bool> Counted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly ConcurrentQueue<Request> _waiting = new();

    private int _writing;

    /// <summary>
    /// Takes one download of the link, if it has one left, is not revoked and (when <paramref name="fileId"/> is
    /// given) that file is not in the trash; records <paramref name="grant"/> with it. False when nothing was left.
    /// </summary>
    public Task<bool> CountAsync(Guid linkId, Guid? fileId, ShareResumeGrant grant)
    {
        var request = new Request(linkId, fileId, grant);
        _waiting.Enqueue(request);
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            _ = Task.Run(WriteWaitingAsync);
        }

        return request.Counted.Task;
    }

    private async Task WriteWaitingAsync()
    {
        var group = new List<Request>(GroupSize);
        while (true)
        {
            group.Clear();
            while (group.Count < GroupSize && _waiting.TryDequeue(out var request))
            {
                group.Add(request);
            }

            if (group.Count == 0)
            {
                Volatile.Write(ref _writing, 0);
                // A request queued after the queue looked empty, and before the flag was down, found the flag up
                // and started no writer: this one goes on for it.
                if (_waiting.IsEmpty || Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
                {
                    return;
                }

                continue;
            }

            try
            {
                var counted = await WriteAsync(group);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Counted.TrySetResult(counted[i]);
                }
            }
            catch (Exception e)
            {
                logger.LogError(e, "Share link counts: a group of {Count} could not be written", group.Count);
                foreach (var request in group)
                {
                    request.Counted.TrySetException(e);
                }
            }
        }
    }

    private async Task<bool[]> WriteAsync(List<Request> group)
    {
        var counted = new bool[group.Count];
        using var turn = await writeGate.EnterAsync(CancellationToken.None);
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        // Not cancellable: once counted, the grant must be there for the client that was counted.
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        for (var i = 0; i < group.Count; i++)
        {
            var (linkId, fileId, grant) = (group[i].LinkId, group[i].FileId, group[i].Grant);
            // One statement per download, so two requests can never both take the last one.
            counted[i] = await db.ShareLinks
                .Where(l => l.Id == linkId && l.RevokedAt == null && (l.MaxDownloads == null || l.Downloads < l.MaxDownloads)
                    && (fileId == null || db.Files.Any(f => f.Id == fileId && f.TrashId == null)))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(l => l.Downloads, l => l.Downloads + 1)
                    .SetProperty(l => l.LastDownloadAt, grant.CountedAt), CancellationToken.None) > 0;
            if (counted[i])
            {
                db.ShareResumeGrants.Add(grant);
            }
        }

        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return counted;
    }
}
