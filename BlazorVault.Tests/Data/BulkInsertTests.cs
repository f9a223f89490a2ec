using BlazorVault.Data;
using BlazorVault.Sharing;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Data;

/// <summary>Rows written by multi-row inserts read back through EF Core exactly as written, on either provider.</summary>
public abstract class BulkInsertTests(DatabaseProvider provider) : IAsyncLifetime
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
    public async Task ManyRows_InSeveralStatements_ReadBackAsWritten_AndARolledBackInsertLeavesNone()
    {
        var start = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        // More rows than one statement takes, with every column's edge: nulls, each kind, large counts.
        var rows = Enumerable.Range(0, 333).Select(i => new ShareAccess
        {
            Id = Guid.CreateVersion7(start.AddMilliseconds(i)),
            LinkId = _linkId,
            At = start.AddMilliseconds(i * 7),
            Kind = (ShareAccessKind)(i % Enum.GetValues<ShareAccessKind>().Length),
            Network = i % 3 == 0 ? null : $"203.0.113.{i % 256}/24",
            Browser = i % 2 == 0 ? "Firefox" : "Other ‘quoted’ \"name\"",
            Bytes = i % 5 == 0 ? null : (long)i * int.MaxValue,
        }).ToList();

        await using (var db = await _bed.Db.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            await using (var rolledBack = await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken))
            {
                await BulkInsert.AddAsync(db, rows, TestContext.Current.CancellationToken);
            }

            Assert.Equal(0, await db.ShareAccesses.CountAsync(TestContext.Current.CancellationToken));
            await BulkInsert.AddAsync(db, rows, TestContext.Current.CancellationToken);
        }

        await using var read = await _bed.Db.CreateDbContextAsync(TestContext.Current.CancellationToken);
        var back = await read.ShareAccesses.AsNoTracking().Where(a => a.LinkId == _linkId).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(
            rows.OrderBy(r => r.Id).Select(r => (r.Id, r.LinkId, r.At, r.Kind, r.Network, r.Browser, r.Bytes)),
            back.OrderBy(r => r.Id).Select(r => (r.Id, r.LinkId, r.At, r.Kind, r.Network, r.Browser, r.Bytes)));
        // Queries that compare columns (times, kinds) see the same values SaveChanges would have stored.
        Assert.Equal(rows.Count(r => r.Kind == ShareAccessKind.DownloadCompleted && r.At >= start.AddSeconds(1)),
            await read.ShareAccesses.CountAsync(a => a.Kind == ShareAccessKind.DownloadCompleted && a.At >= start.AddSeconds(1), TestContext.Current.CancellationToken));
    }

    public sealed class OnSqlite() : BulkInsertTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : BulkInsertTests(DatabaseProvider.PostgreSql);
}
