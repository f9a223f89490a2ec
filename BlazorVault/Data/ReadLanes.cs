using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Data;

/// <summary>
/// Warm contexts for the short, untracked reads that nearly every request makes (the caller's account,
/// the file asked for, a link): each keeps its connection open between uses, so that such a read is one
/// statement, not a connection rented from Microsoft.Data.Sqlite's pool (under its lock), opened, and closed
/// again. Measured, opening and closing was about a third of an owner's 4 KiB download (bench/README.md).
/// <para>
/// Nothing is cached: every read runs its statement against the database and sees what is committed at
/// that moment (on SQLite in WAL mode, an open connection outside a transaction holds no snapshot between
/// statements; on PostgreSQL each statement is its own transaction). A context that failed in any way
/// is thrown away, never reused; the ones above <see cref="MaxIdle"/> are closed when given back.
/// </para>
/// </summary>
public sealed class ReadLanes(IDbContextFactory<VaultDbContext> contexts) : IAsyncDisposable
{
    /// <summary>Enough for the request threads of a small machine; more only open and close as before.</summary>
    public static readonly int MaxIdle = Math.Max(4, Environment.ProcessorCount * 4);

    private readonly ConcurrentStack<VaultDbContext> _idle = new();
    private int _idleCount;
    private volatile bool _disposed;

    /// <summary>Runs one untracked read on a warm context; <paramref name="read"/> must not write or track.</summary>
    public async Task<T> ReadAsync<T, TArg>(TArg argument, Func<VaultDbContext, TArg, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var db = await RentAsync(cancellationToken);
        T result;
        try
        {
            result = await read(db, argument, cancellationToken);
        }
        catch
        {
            // A cancelled or failed read may have left the connection mid-statement or broken: start afresh.
            await db.DisposeAsync();
            throw;
        }

        await ReturnAsync(db);
        return result;
    }

    /// <summary>
    /// A warm context for a few untracked reads in a row (a link, then its grant), given back when the lease is
    /// disposed: kept only if it is as it was lent (connection open, no transaction); nothing it tracked stays.
    /// </summary>
    public async ValueTask<Lease> LeaseAsync(CancellationToken cancellationToken) => new(this, await RentAsync(cancellationToken));

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryPop(out var db))
        {
            await db.DisposeAsync();
        }
    }

    private async ValueTask<VaultDbContext> RentAsync(CancellationToken cancellationToken)
    {
        if (_idle.TryPop(out var warm))
        {
            Interlocked.Decrement(ref _idleCount);
            return warm;
        }

        var db = await contexts.CreateDbContextAsync(cancellationToken);
        try
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }

        return db;
    }

    private async ValueTask ReturnAsync(VaultDbContext db)
    {
        if (db.Database.CurrentTransaction is not null || db.Database.GetDbConnection().State != System.Data.ConnectionState.Open)
        {
            await db.DisposeAsync();
            return;
        }

        db.ChangeTracker.Clear();
        if (!_disposed && Interlocked.Increment(ref _idleCount) <= MaxIdle)
        {
            _idle.Push(db);
            // Disposal may have emptied the stack just before the push: then nobody else would close it.
            if (!_disposed || !_idle.TryPop(out var late))
            {
                return;
            }

            db = late;
        }
        else
        {
            Interlocked.Decrement(ref _idleCount);
        }

        await db.DisposeAsync();
    }

    /// <summary>See <see cref="LeaseAsync"/>.</summary>
    public readonly struct Lease(ReadLanes lanes, VaultDbContext db) : IAsyncDisposable
    {
        public VaultDbContext Db { get; } = db;

        public ValueTask DisposeAsync() => lanes.ReturnAsync(Db);
    }
}
