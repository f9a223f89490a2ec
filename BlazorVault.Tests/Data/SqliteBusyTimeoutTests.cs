using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Data;

/// <summary>The app's SQLite connections let SQLite wait for another connection's lock, not Microsoft.Data.Sqlite's 150 ms sleeps.</summary>
public sealed class SqliteBusyTimeoutTests : IAsyncLifetime
{
    private FilesTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await FilesTestBed.CreateAsync(provider: DatabaseProvider.Sqlite);

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task EveryOpenOfAContextsConnection_HasTheBusyTimeout_AlsoWhenItComesBackFromThePool()
    {
        var cancel = TestContext.Current.CancellationToken;
        for (var round = 0; round < 2; round++)
        {
            await using var db = await _bed.Db.CreateDbContextAsync(cancel);
            await db.Database.OpenConnectionAsync(cancel);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA busy_timeout";
            Assert.Equal((long)LeanSqliteConnection.BusyTimeout, await command.ExecuteScalarAsync(cancel));
            // The next round's open is served from the pool: the setting must hold there too.
            command.CommandText = "PRAGMA busy_timeout=0";
            await command.ExecuteNonQueryAsync(cancel);
        }
    }
}
