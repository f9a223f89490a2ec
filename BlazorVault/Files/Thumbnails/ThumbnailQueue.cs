using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace BlazorVault.Files.Thumbnails;

/// <summary>
/// The thumbnails' rows: asking for one, a worker taking one (a lease by conditional update, so any
/// number of instances share the queue), its result, and reading it back. The rows decide; the only
/// thing in memory is a nudge that wakes this instance's worker sooner than its poll.
/// </summary>
public sealed class ThumbnailQueue(IDbContextFactory<VaultDbContext> dbFactory, IOptions<ThumbnailOptions> options, TimeProvider clock)
{
    private readonly SemaphoreSlim _nudge = new(0, 1);

    /// <summary>How long a worker holds a row: room for the time limit and fetching the source.</summary>
    private TimeSpan Lease => options.Value.TimeLimit * 2 + TimeSpan.FromSeconds(30);

    /// <summary>
    /// Queues a thumbnail of each content that has none yet (and still has its blob row); asking again is harmless.
    /// </summary>
    public async Task RequestAsync(IEnumerable<string> sha256s, CancellationToken cancellationToken = default)
    {
        var wanted = sha256s.Distinct(StringComparer.Ordinal).ToList();
        if (!options.Value.Enabled || wanted.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var sha256 in wanted)
        {
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "Thumbnails" ("Sha256", "State", "RequestedAt", "Attempts")
                SELECT {sha256}, 0, {now}, 0 WHERE EXISTS (SELECT 1 FROM "Blobs" WHERE "Sha256" = {sha256})
                ON CONFLICT ("Sha256") DO NOTHING
                """,
                cancellationToken);
        }

        if (_nudge.CurrentCount == 0)
        {
            try
            {
                _nudge.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another request nudged at the same moment.
            }
        }
    }

    /// <summary>Waits until something was requested here or the poll interval passed.</summary>
    public Task WaitForWorkAsync(CancellationToken cancellationToken) =>
        _nudge.WaitAsync(options.Value.PollInterval, cancellationToken);

    /// <summary>Takes the oldest pending row nobody holds; null when there is none.</summary>
    public async Task<string?> ClaimAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var until = now + Lease;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Rows whose every worker died on them (the process stopped mid-way each time) get an icon.
        await db.Thumbnails
            .Where(t => t.State == ThumbnailState.Pending && t.Attempts >= settings.MaxAttempts && (t.LeaseUntil == null || t.LeaseUntil < now))
            .ExecuteUpdateAsync(set => set
                .SetProperty(t => t.State, ThumbnailState.Failed)
                .SetProperty(t => t.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(t => t.Error, $"Gave up after {settings.MaxAttempts} tries that never finished."), cancellationToken);
        for (var round = 0; round < 5; round++)
        {
            var candidate = await db.Thumbnails
                .Where(t => t.State == ThumbnailState.Pending && (t.LeaseUntil == null || t.LeaseUntil < now))
                .OrderBy(t => t.RequestedAt)
                .Select(t => t.Sha256)
                .FirstOrDefaultAsync(cancellationToken);
            if (candidate is null)
            {
                return null;
            }

            var taken = await db.Thumbnails
                .Where(t => t.Sha256 == candidate && t.State == ThumbnailState.Pending && (t.LeaseUntil == null || t.LeaseUntil < now))
                .ExecuteUpdateAsync(set => set
                    .SetProperty(t => t.LeaseUntil, until)
                    .SetProperty(t => t.Attempts, t => t.Attempts + 1), cancellationToken);
            if (taken == 1)
            {
                return candidate;
            }
        }

        // Others keep taking the rows we pick: let the caller come back later.
        return null;
    }

    /// <summary>The size of the source content, from its blob row; null when the blob is gone.</summary>
    public async Task<long?> SourceSizeAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Blobs.Where(b => b.Sha256 == sha256).Select(b => (long?)b.Size).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task CompleteAsync(string sha256, byte[] list, byte[] grid, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Thumbnails
            .Where(t => t.Sha256 == sha256 && t.State == ThumbnailState.Pending)
            .ExecuteUpdateAsync(set => set
                .SetProperty(t => t.State, ThumbnailState.Ready)
                .SetProperty(t => t.List, list)
                .SetProperty(t => t.Grid, grid)
                .SetProperty(t => t.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(t => t.Error, (string?)null), cancellationToken);
    }

    public async Task FailAsync(string sha256, string error, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Thumbnails
            .Where(t => t.Sha256 == sha256 && t.State == ThumbnailState.Pending)
            .ExecuteUpdateAsync(set => set
                .SetProperty(t => t.State, ThumbnailState.Failed)
                .SetProperty(t => t.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(t => t.Error, error.Length > 500 ? error[..500] : error), cancellationToken);
    }

    /// <summary>
    /// After a passing trouble (the store did not answer): the row is tried again a minute later, until its
    /// attempts run out.
    /// </summary>
    public async Task RetryLaterAsync(string sha256, CancellationToken cancellationToken)
    {
        var retryAt = clock.GetUtcNow() + TimeSpan.FromMinutes(1);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Thumbnails
            .Where(t => t.Sha256 == sha256 && t.State == ThumbnailState.Pending)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.LeaseUntil, retryAt), cancellationToken);
    }

    /// <summary>The thumbnail's state and, when ready, its bytes; null when nobody asked for it yet.</summary>
    public async Task<(ThumbnailState State, byte[]? Bytes)?> GetAsync(string sha256, ThumbnailSize size, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = db.Thumbnails.AsNoTracking().Where(t => t.Sha256 == sha256);
        var found = size == ThumbnailSize.List
            ? await rows.Select(t => new { t.State, Bytes = t.List }).FirstOrDefaultAsync(cancellationToken)
            : await rows.Select(t => new { t.State, Bytes = t.Grid }).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : (found.State, found.Bytes);
    }

    /// <summary>The state of each of these contents' thumbnails that was asked for (for a page of the list).</summary>
    public async Task<IReadOnlyDictionary<string, ThumbnailState>> StatesAsync(IEnumerable<string> sha256s, CancellationToken cancellationToken)
    {
        var wanted = sha256s.Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            return new Dictionary<string, ThumbnailState>();
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Thumbnails
            .Where(t => wanted.Contains(t.Sha256))
            .ToDictionaryAsync(t => t.Sha256, t => t.State, StringComparer.Ordinal, cancellationToken);
    }

    /// <summary>Removes thumbnails whose blob is gone (asked for just as it went); the blob sweep calls it.</summary>
    public async Task<int> SweepOrphansAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Thumbnails
            .Where(t => !db.Blobs.Any(b => b.Sha256 == t.Sha256))
            .ExecuteDeleteAsync(cancellationToken);
    }
}

internal sealed class ThumbnailConfiguration : IEntityTypeConfiguration<Thumbnail>
{
    public void Configure(EntityTypeBuilder<Thumbnail> thumbnail)
    {
        thumbnail.ToTable("Thumbnails");
        thumbnail.HasKey(t => t.Sha256);
        thumbnail.Property(t => t.Sha256).HasMaxLength(64).IsFixedLength();
        thumbnail.Property(t => t.Error).HasMaxLength(500);
        thumbnail.Property(t => t.RequestedAt).HasConversion<UnixTimeConverter>();
        thumbnail.Property(t => t.LeaseUntil).HasConversion<UnixTimeConverter>();
        // The workers' claim: the oldest pending row.
        thumbnail.HasIndex(t => new { t.State, t.RequestedAt });
    }
}
