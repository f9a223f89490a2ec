using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace BlazorVault.Data;

#pragma warning disable EF1001 // Internal EF Core API: the one way to choose how the provider makes its connections.

/// <summary>
/// EF Core's SQLite connection without the SQL functions it registers on every connection (<c>regexp</c> and
/// the <c>ef_*</c> decimal arithmetic and aggregates). Microsoft.Data.Sqlite hands each registered function
/// to SQLite again on every open, and a small request opens a connection once or twice: measured, about a
/// fifth of an owner's 4 KiB download went to opening connections. This app stores no decimals and runs no
/// regular expressions in queries, so none of them is ever called; a query that needed one would fail with
/// "no such function" in the tests, which run every query on SQLite.
/// It also lets SQLite itself wait for a lock another connection holds (<see cref="BusyTimeout"/>).
/// </summary>
public sealed class LeanSqliteConnection(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    /// <summary>
    /// How long SQLite's own busy handler waits for a lock, retrying after 1, 2, 5, 10… ms. Without it, Microsoft.Data.Sqlite
    /// meets a busy database by sleeping 150 ms before each retry: measured under limited-link load, a background job's
    /// one-row update (a thumbnail claim, a lease) now and then made the next group of counts wait those 150 ms, and every
    /// download in it with them (p99 about 100 ms where it was otherwise about 9). Past this wait, Microsoft.Data.Sqlite's
    /// own retries go on up to the command's timeout.
    /// </summary>
    public const int BusyTimeout = 5_000;

    protected override DbConnection CreateDbConnection()
    {
        var connection = new SqliteConnection(GetValidatedConnectionString());
        connection.StateChange += WaitWhenBusy;
        return connection;
    }

    // Every open: a pooled connection may come back as a new native one. Setting it is one call, no statement.
    private static void WaitWhenBusy(object sender, System.Data.StateChangeEventArgs change)
    {
        if (change.CurrentState == System.Data.ConnectionState.Open && ((SqliteConnection)sender).Handle is { } handle)
        {
            SQLitePCL.raw.sqlite3_busy_timeout(handle, BusyTimeout);
        }
    }
}
#pragma warning restore EF1001
