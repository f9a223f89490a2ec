using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BlazorVault.Data;

/// <summary>
/// A transaction whose commit does not wait for the disk, for the batched writers whose rows a crash may lose anyway
/// (the access log loses up to its last second by design): on SQLite, <c>PRAGMA synchronous=NORMAL</c> on its
/// connection for the one transaction (a WAL commit without a sync); on PostgreSQL, <c>SET LOCAL synchronous_commit
/// TO OFF</c> (no wait for the WAL flush). A power cut can lose such a commit, never tear it or anything else: the
/// database stays whole, and every durable commit after it (an upload's, a limited link's count) syncs the log it
/// follows, so this one with it. On SQLite each access-log batch held the write turn that limited links' counts wait
/// for (<see cref="WriteGate"/>) through its sync: measured side by side under share-download load, without that sync
/// limited links served 3–12% more downloads a second over three runs, links without a limit 3–7% more.
/// </summary>
public sealed class UnsyncedTransaction : IAsyncDisposable
{
    private readonly VaultDbContext _db;
    private readonly IDbContextTransaction _transaction;
    private readonly long? _sqliteSynchronous;

    private UnsyncedTransaction(VaultDbContext db, IDbContextTransaction transaction, long? sqliteSynchronous)
    {
        _db = db;
        _transaction = transaction;
        _sqliteSynchronous = sqliteSynchronous;
    }

    public static async Task<UnsyncedTransaction> BeginAsync(VaultDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!db.Database.IsSqlite())
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                await db.Database.ExecuteSqlRawAsync("SET LOCAL synchronous_commit TO OFF", cancellationToken);
            }
            catch
            {
                await transaction.DisposeAsync();
                throw;
            }

            return new UnsyncedTransaction(db, transaction, null);
        }

        // SQLite's setting belongs to the connection and cannot change inside a transaction: set before, restored after.
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        var prior = await ScalarAsync(connection, "PRAGMA synchronous", cancellationToken)
            ?? throw new InvalidOperationException("SQLite did not tell its synchronous setting.");
        await ScalarAsync(connection, "PRAGMA synchronous=NORMAL", cancellationToken);
        try
        {
            return new UnsyncedTransaction(db, await db.Database.BeginTransactionAsync(cancellationToken), prior);
        }
        catch
        {
            await RestoreAsync(connection, prior);
            throw;
        }
    }

    public Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        if (_sqliteSynchronous is { } prior)
        {
            await RestoreAsync(_db.Database.GetDbConnection(), prior);
        }
    }

    private static async Task RestoreAsync(DbConnection connection, long prior)
    {
        try
        {
            await ScalarAsync(connection, $"PRAGMA synchronous={prior}", CancellationToken.None);
        }
        catch (SqliteException)
        {
            // A pooled connection must never carry the relaxed setting to a write that has to be durable: rather no pool.
            SqliteConnection.ClearPool((SqliteConnection)connection);
            throw;
        }
    }

    private static async Task<long?> ScalarAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken) is long value ? value : null;
    }
}
