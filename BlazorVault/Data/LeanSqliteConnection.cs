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
/// </summary>
public sealed class LeanSqliteConnection(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    protected override DbConnection CreateDbConnection() => new SqliteConnection(GetValidatedConnectionString());
}
#pragma warning restore EF1001
