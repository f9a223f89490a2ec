using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Data;

/// <summary>
/// Warm read contexts keep their connection open between requests; what they read must still be the
/// database's committed state at that moment, and a read that failed must not leave a broken context behind.
/// </summary>
public abstract class ReadLanesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private FilesTestBed _bed = null!;
    private string _alice = null!;

    public async ValueTask InitializeAsync()
    {
        _bed = await FilesTestBed.CreateAsync(provider: provider);
        _alice = await _bed.AddUserAsync("alice");
    }

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    private ReadLanes Lanes => _bed.Services.GetRequiredService<ReadLanes>();

    private Task<DateTimeOffset?> DisabledAtAsync() =>
        Lanes.ReadAsync(_alice, static (db, id, ct) => db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.DisabledAt).SingleAsync(ct), CancellationToken.None);

    [Fact]
    public async Task AWarmContext_SeesWhatAnotherContextCommittedSince()
    {
        // Warm up more contexts than one, all of them given back before the change.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => DisabledAtAsync()));
        Assert.Null(await DisabledAtAsync());

        var at = DateTimeOffset.UtcNow;
        await using (var db = await _bed.Db.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            await db.Users.Where(u => u.Id == _alice).ExecuteUpdateAsync(u => u.SetProperty(x => x.DisabledAt, at), TestContext.Current.CancellationToken);
        }

        var seen = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => DisabledAtAsync()));
        Assert.All(seen, s => Assert.NotNull(s));
        var standing = await new UserStandings(Lanes).FindAsync(_alice, CancellationToken.None);
        Assert.Equal("The account is disabled.", AccountStanding.Refusal(standing, DateTimeOffset.UtcNow, new Microsoft.AspNetCore.Identity.IdentityOptions()));
    }

    [Fact]
    public async Task AFailedRead_IsThrownAway_AndTheNextReadWorks()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => Lanes.ReadAsync(0, static (db, _, ct) =>
            db.Database.SqlQueryRaw<int>("SELECT no_such_column FROM no_such_table").ToListAsync(ct), CancellationToken.None));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Lanes.ReadAsync(_alice, static (db, id, ct) =>
            db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.UserName).SingleAsync(ct), cancelled.Token));

        Assert.Null(await DisabledAtAsync());
        Assert.Equal("alice", await Lanes.ReadAsync(_alice, static (db, id, ct) =>
            db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.UserName).SingleAsync(ct), CancellationToken.None));
    }

    public sealed class OnSqlite() : ReadLanesTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : ReadLanesTests(DatabaseProvider.PostgreSql);
}
