using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Data;

/// <summary>A named lease (a background job, an instance's liveness): held by one holder until it expires.</summary>
public sealed class JobLease
{
    public required string Name { get; set; }

    public required string Holder { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>Takes, renews and releases <see cref="JobLease"/> rows with conditional statements.</summary>
public sealed class JobLeases(IDbContextFactory<VaultDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Takes (or renews) the lease when it is free, expired or already <paramref name="holder"/>'s.</summary>
    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + duration;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var taken = await db.Leases
            .Where(l => l.Name == name && (l.Holder == holder || l.ExpiresAt < now))
            .ExecuteUpdateAsync(set => set.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until), cancellationToken);
        if (taken == 1)
        {
            return true;
        }

        var untilMs = until.ToUnixTimeMilliseconds();
        return await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "Leases" ("Name", "Holder", "ExpiresAt") VALUES ({name}, {holder}, {untilMs}) ON CONFLICT ("Name") DO NOTHING""",
            cancellationToken) == 1;
    }

    public async Task ReleaseAsync(string name, string holder)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await db.Leases.Where(l => l.Name == name && l.Holder == holder).ExecuteDeleteAsync(CancellationToken.None);
    }

    /// <summary>When the lease runs out unless renewed; null when nobody holds it.</summary>
    public async Task<DateTimeOffset?> ExpiresAtAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Leases.Where(l => l.Name == name).Select(l => (DateTimeOffset?)l.ExpiresAt).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Records a round of <paramref name="job"/> for the admin area: when it ran, and its failure if it failed.</summary>
    public async Task RecordRunAsync(string job, Exception? failure)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var error = failure is null ? null : $"{failure.GetType().Name}: {failure.Message}";
        if (error is { Length: > 2000 })
        {
            error = error[..2000];
        }

        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        if (error is null)
        {
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "JobRuns" ("Name", "LastRunAt") VALUES ({job}, {now})
                ON CONFLICT ("Name") DO UPDATE SET "LastRunAt" = {now}
                """,
                CancellationToken.None);
        }
        else
        {
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "JobRuns" ("Name", "LastRunAt", "LastErrorAt", "LastError") VALUES ({job}, {now}, {now}, {error})
                ON CONFLICT ("Name") DO UPDATE SET "LastRunAt" = {now}, "LastErrorAt" = {now}, "LastError" = {error}
                """,
                CancellationToken.None);
        }
    }

    /// <summary>The holders of unexpired leases whose names start with <paramref name="prefix"/>, without it.</summary>
    public async Task<IReadOnlySet<string>> LiveAsync(string prefix, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var names = await db.Leases.Where(l => l.Name.StartsWith(prefix) && l.ExpiresAt >= now).Select(l => l.Name).ToListAsync(cancellationToken);
        return names.Select(n => n[prefix.Length..]).ToHashSet(StringComparer.Ordinal);
    }
}
