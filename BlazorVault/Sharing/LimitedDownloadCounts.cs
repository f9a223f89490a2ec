using System.Collections.Concurrent;
using BlazorVault.Data;
using BlazorVault.Files;
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
        // One conditional statement per download, so two requests can never both take the last one; prepared once
        // per group (with and without the file's check) and run again with each download's values.
        await using var plain = CountCommand(db, withFile: false);
        await using var withFile = CountCommand(db, withFile: true);
        var (linkKey, countedAt, fileKey) = (
            ModelSql.Property<ShareLink>(db, nameof(ShareLink.Id)),
            ModelSql.Property<ShareLink>(db, nameof(ShareLink.LastDownloadAt)),
            ModelSql.Property<StoredFile>(db, nameof(StoredFile.Id)));
        for (var i = 0; i < group.Count; i++)
        {
            var (linkId, fileId, grant) = (group[i].LinkId, group[i].FileId, group[i].Grant);
            var command = fileId is null ? plain : withFile;
            command.Parameters[0].Value = ModelSql.ToProvider(linkKey, linkId);
            command.Parameters[1].Value = ModelSql.ToProvider(countedAt, grant.CountedAt);
            if (fileId is not null)
            {
                command.Parameters[2].Value = ModelSql.ToProvider(fileKey, fileId);
            }

            counted[i] = await command.ExecuteNonQueryAsync(CancellationToken.None) > 0;
        }

        await BulkInsert.AddAsync(db, group.Where((_, i) => counted[i]).Select(r => r.Grant).ToList(), CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return counted;
    }

    /// <summary>
    /// <c>UPDATE ShareLinks SET Downloads = Downloads + 1, LastDownloadAt = @at WHERE Id = @link AND RevokedAt IS NULL
    /// AND (MaxDownloads IS NULL OR Downloads &lt; MaxDownloads)</c>, and for a folder link's file, while that file is live.
    /// </summary>
    private static System.Data.Common.DbCommand CountCommand(VaultDbContext db, bool withFile)
    {
        var links = ModelSql.Table<ShareLink>(db);
        string Link(string property) => ModelSql.Column<ShareLink>(db, property);
        var command = ModelSql.Command(db);
        command.Parameters.Add(ModelSql.Parameter<ShareLink>(db, command, nameof(ShareLink.Id), "link"));
        command.Parameters.Add(ModelSql.Parameter<ShareLink>(db, command, nameof(ShareLink.LastDownloadAt), "at"));
        var downloads = Link(nameof(ShareLink.Downloads));
        var text = $"UPDATE {links} SET {downloads} = {downloads} + 1, {Link(nameof(ShareLink.LastDownloadAt))} = {ModelSql.Placeholder(db, "at")}"
            + $" WHERE {Link(nameof(ShareLink.Id))} = {ModelSql.Placeholder(db, "link")} AND {Link(nameof(ShareLink.RevokedAt))} IS NULL"
            + $" AND ({Link(nameof(ShareLink.MaxDownloads))} IS NULL OR {downloads} < {Link(nameof(ShareLink.MaxDownloads))})";
        if (withFile)
        {
            command.Parameters.Add(ModelSql.Parameter<StoredFile>(db, command, nameof(StoredFile.Id), "file"));
            text += $" AND EXISTS (SELECT 1 FROM {ModelSql.Table<StoredFile>(db)} WHERE {ModelSql.Column<StoredFile>(db, nameof(StoredFile.Id))} = {ModelSql.Placeholder(db, "file")}"
                + $" AND {ModelSql.Column<StoredFile>(db, nameof(StoredFile.TrashId))} IS NULL)";
        }

        command.CommandText = text;
        return command;
    }
}
