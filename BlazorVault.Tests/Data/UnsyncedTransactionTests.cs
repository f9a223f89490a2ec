using System.Data.Common;
using BlazorVault.Data;
using BlazorVault.Sharing;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BlazorVault.Tests.Data;

/// <summary>
/// An unsynced transaction commits or rolls back like any other, relaxes the sync only while it lasts, and leaves its
/// connection (pooled, on SQLite) as durable as it found it.
/// </summary>
public abstract class UnsyncedTransactionTests(DatabaseProvider provider) : IAsyncLifetime
{
    private FilesTestBed _bed = null!;
    private Guid _linkId;

    public async ValueTask InitializeAsync()
    {
        _bed = await FilesTestBed.CreateAsync(provider: provider);
        _linkId = await _bed.AddSharedFileAsync("alice");
    }

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task Committed_KeepsItsRows_AndTheConnectionSyncsAgainAfterwards()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var db = await _bed.Db.CreateDbContextAsync(cancel);
        await OpenDurableAsync(db);
        var durable = await SettingAsync(db);

        await using (var transaction = await UnsyncedTransaction.BeginAsync(db, cancel))
        {
            Assert.Equal(provider == DatabaseProvider.Sqlite ? "1" : "off", await SettingAsync(db));
            await BulkInsert.AddAsync(db, [Entry()], cancel);
            await transaction.CommitAsync(cancel);
        }

        Assert.Equal(durable, await SettingAsync(db));
        Assert.Equal(provider == DatabaseProvider.Sqlite ? "2" : "on", durable);
        await using var read = await _bed.Db.CreateDbContextAsync(cancel);
        Assert.Equal(1, await read.ShareAccesses.CountAsync(a => a.LinkId == _linkId, cancel));
    }

    [Fact]
    public async Task NotCommitted_LeavesNoRow_AndTheConnectionSyncsAgainAfterwards()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using (var db = await _bed.Db.CreateDbContextAsync(cancel))
        {
            await OpenDurableAsync(db);
            await using (await UnsyncedTransaction.BeginAsync(db, cancel))
            {
                await BulkInsert.AddAsync(db, [Entry()], cancel);
            }

            Assert.Equal(provider == DatabaseProvider.Sqlite ? "2" : "on", await SettingAsync(db));
            Assert.Equal(0, await db.ShareAccesses.CountAsync(cancel));
        }

        // The next context takes the connection back from the pool (SQLite keeps its setting with it).
        await using var next = await _bed.Db.CreateDbContextAsync(cancel);
        await next.Database.OpenConnectionAsync(cancel);
        if (provider == DatabaseProvider.Sqlite)
        {
            Assert.Equal("2", await SettingAsync(next));
        }
    }

    /// <summary>SQLite syncs every commit by default; the test PostgreSQL server does not (for speed), so its session is told to.</summary>
    private async Task OpenDurableAsync(VaultDbContext db)
    {
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        if (provider == DatabaseProvider.PostgreSql)
        {
            await db.Database.ExecuteSqlRawAsync("SET synchronous_commit TO on", TestContext.Current.CancellationToken);
        }
    }

    private ShareAccess Entry() => new()
    {
        Id = Guid.CreateVersion7(),
        LinkId = _linkId,
        At = DateTimeOffset.UtcNow,
        Kind = ShareAccessKind.DownloadCompleted,
        Browser = "curl",
        Bytes = 1,
    };

    private async Task<string?> SettingAsync(VaultDbContext db)
    {
        await using DbCommand command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = provider == DatabaseProvider.Sqlite ? "PRAGMA synchronous" : "SHOW synchronous_commit";
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return Convert.ToString(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public sealed class OnSqlite() : UnsyncedTransactionTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : UnsyncedTransactionTests(DatabaseProvider.PostgreSql);
}
