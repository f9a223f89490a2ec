using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Data;

/// <summary>
/// Warm contexts for the short, untracked reads that nearly every request makes (the caller's account,
/// the file asked for, a link): each keeps its connection open between uses, so that such a read is one
/// statement, not a connection rented from Microsoft.Data.Sqlite's pool (under its lock), opened, and closed
/// again. Measured, opening and closing was about a third of an owner's 4 KiB download (bench/README.md).
/// The hottest of these reads (<see cref="RowAsync"/>) are statements prepared once on each warm connection.
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

    private readonly ConcurrentStack<Lane> _idle = new();
    private int _idleCount;
    private volatile bool _disposed;

    /// <summary>Runs one untracked read on a warm context; <paramref name="read"/> must not write or track.</summary>
    public Task<T> ReadAsync<T, TArg>(TArg argument, Func<VaultDbContext, TArg, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        return UseAsync((Read: read, Argument: argument), static (lane, a, ct) => a.Read(lane.Db, a.Argument, ct), cancellationToken);
    }

    /// <summary>Runs <paramref name="read"/>'s statement on a warm connection, prepared there the first time; null when no row matches.</summary>
    public Task<TResult?> RowAsync<TArg, TResult>(RowRead<TArg, TResult> read, TArg argument, CancellationToken cancellationToken)
        where TResult : class
    {
        ArgumentNullException.ThrowIfNull(read);
        return UseAsync((Read: read, Argument: argument), static (lane, a, ct) => lane.RowAsync(a.Read, a.Argument, ct), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryPop(out var lane))
        {
            await lane.DisposeAsync();
        }
    }

    private async Task<T> UseAsync<T, TArg>(TArg argument, Func<Lane, TArg, CancellationToken, Task<T>> use, CancellationToken cancellationToken)
    {
        var lane = await RentAsync(cancellationToken);
        T result;
        try
        {
            result = await use(lane, argument, cancellationToken);
        }
        catch
        {
            // A cancelled or failed read may have left the connection mid-statement or broken: start afresh.
            await lane.DisposeAsync();
            throw;
        }

        await ReturnAsync(lane);
        return result;
    }

    private async ValueTask<Lane> RentAsync(CancellationToken cancellationToken)
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

        return new Lane(db);
    }

    private async ValueTask ReturnAsync(Lane lane)
    {
        var db = lane.Db;
        if (db.Database.CurrentTransaction is not null || db.Database.GetDbConnection().State != System.Data.ConnectionState.Open)
        {
            await lane.DisposeAsync();
            return;
        }

        db.ChangeTracker.Clear();
        if (!_disposed && Interlocked.Increment(ref _idleCount) <= MaxIdle)
        {
            _idle.Push(lane);
            // Disposal may have emptied the stack just before the push: then nobody else would close it.
            if (!_disposed || !_idle.TryPop(out var late))
            {
                return;
            }

            lane = late;
        }
        else
        {
            Interlocked.Decrement(ref _idleCount);
        }

        await lane.DisposeAsync();
    }

    /// <summary>A warm context and the statements prepared on its connection (closed with it).</summary>
    internal sealed class Lane(VaultDbContext db) : IAsyncDisposable
    {
        public VaultDbContext Db { get; } = db;

        /// <summary>The statements prepared on this connection, by their <see cref="RowRead{TArg, TResult}"/>.</summary>
        private readonly Dictionary<object, PreparedRow> _rows = [];

        public async Task<TResult?> RowAsync<TArg, TResult>(RowRead<TArg, TResult> read, TArg argument, CancellationToken cancellationToken)
            where TResult : class
        {
            if (!_rows.TryGetValue(read, out var prepared))
            {
                prepared = read.Prepare(Db);
                _rows.Add(read, prepared);
            }

            return await read.RunAsync(prepared, argument, cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var prepared in _rows.Values)
            {
                await prepared.DisposeAsync();
            }

            await Db.DisposeAsync();
        }
    }
}
