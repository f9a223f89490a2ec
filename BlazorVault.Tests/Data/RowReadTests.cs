using System.Text;
using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Sharing;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Data;

/// <summary>
/// The hot paths' hand-written statements, prepared once per warm connection, read exactly what EF Core reads,
/// see every commit made since they were prepared, and leave nothing broken when one fails; on either provider.
/// </summary>
public abstract class RowReadTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly RowRead<Guid, ShareLink> LinkById = new(
        sql => $"SELECT {sql.SelectAll<ShareLink>("l")} FROM {sql.Table<ShareLink>("l")} "
            + $"WHERE {sql.Column<ShareLink>(nameof(ShareLink.Id), "l")} = {sql.Parameter<ShareLink>(nameof(ShareLink.Id))}",
        static (values, id) => values.Set(0, id),
        static row => row.Entity<ShareLink>(0, out _));

    private FilesTestBed _bed = null!;
    private string _alice = null!;
    private FileItem _file = null!;

    public async ValueTask InitializeAsync()
    {
        _bed = await FilesTestBed.CreateAsync(provider: provider);
        _alice = await _bed.AddUserAsync("alice");
        _file = Assert.IsType<UploadResult.Stored>(await _bed.Files.UploadAsync(_alice, "a.txt", "text/plain", new MemoryStream(Encoding.UTF8.GetBytes("a")))).File;
    }

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    private ReadLanes Lanes => _bed.Services.GetRequiredService<ReadLanes>();

    [Fact]
    public async Task AnEntity_ReadsBackEveryColumn_AsEfCoreDoes()
    {
        var at = new DateTimeOffset(2026, 11, 30, 12, 34, 56, 789, TimeSpan.Zero);
        // Every kind of column: an enum, converted and plain times, nullable ones both set and unset, large numbers.
        var set = NewLink(at, all: true);
        var unset = NewLink(at.AddSeconds(1), all: false);
        await using (var db = await _bed.Db.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            db.ShareLinks.AddRange(set, unset);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        foreach (var link in new[] { set, unset })
        {
            var read = await Lanes.RowAsync(LinkById, link.Id, TestContext.Current.CancellationToken);
            await using var db = await _bed.Db.CreateDbContextAsync(TestContext.Current.CancellationToken);
            var expected = await db.ShareLinks.AsNoTracking().SingleAsync(l => l.Id == link.Id, TestContext.Current.CancellationToken);
            Assert.NotNull(read);
            foreach (var property in db.Model.FindEntityType(typeof(ShareLink))!.GetProperties())
            {
                Assert.Equal(property.PropertyInfo!.GetValue(expected), property.PropertyInfo.GetValue(read));
            }
        }

        Assert.Null(await Lanes.RowAsync(LinkById, Guid.NewGuid(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task APreparedStatement_SeesEachCommit_OfTheRowsItReads()
    {
        // Prepare the statements on more warm connections than one, all given back before the changes.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _bed.Files.GetAsync(_alice, _file.Id)));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => new UserStandings(Lanes).FindAsync(_alice, CancellationToken.None)));
        Assert.Equal(await EfFileAsync(), await _bed.Files.GetAsync(_alice, _file.Id));

        var bob = await _bed.AddUserAsync("bob");
        Assert.Null(await _bed.Files.GetAsync(bob, _file.Id));
        Assert.Null(await _bed.Files.GetAsync(_alice, Guid.NewGuid()));

        await using (var db = await _bed.Db.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            await db.Files.Where(f => f.Id == _file.Id).ExecuteUpdateAsync(f => f.SetProperty(x => x.Name, "b.txt"), TestContext.Current.CancellationToken);
        }

        Assert.All(await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _bed.Files.GetAsync(_alice, _file.Id))), f => Assert.Equal("b.txt", f?.Name));

        var disabledAt = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        await using (var db = await _bed.Db.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            await db.Users.Where(u => u.Id == _alice).ExecuteUpdateAsync(u => u.SetProperty(x => x.DisabledAt, disabledAt), TestContext.Current.CancellationToken);
        }

        var standings = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => new UserStandings(Lanes).FindAsync(_alice, CancellationToken.None)));
        Assert.All(standings, s => Assert.Equal(disabledAt, s?.DisabledAt));
        Assert.Null(await new UserStandings(Lanes).FindAsync("no such user", CancellationToken.None));
    }

    [Fact]
    public async Task ACancelledRead_ThrowsAway_ItsConnection_AndTheNextReadWorks()
    {
        Assert.NotNull(await _bed.Files.GetAsync(_alice, _file.Id));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _bed.Files.GetAsync(_alice, _file.Id, cancelled.Token));
        Assert.Equal(await EfFileAsync(), await _bed.Files.GetAsync(_alice, _file.Id));

        // So with a statement that fails in the database.
        await Assert.ThrowsAnyAsync<Exception>(() => Lanes.RowAsync(Broken, 0, TestContext.Current.CancellationToken));
        Assert.Equal(await EfFileAsync(), await _bed.Files.GetAsync(_alice, _file.Id));
    }

    private static readonly RowRead<int, ShareLink> Broken = new(
        sql => $"SELECT {sql.SelectAll<ShareLink>()} FROM no_such_table",
        static (_, _) => { },
        static row => row.Entity<ShareLink>(0, out _));

    /// <summary>The file as EF Core's own query reads it.</summary>
    private async Task<FileItem> EfFileAsync()
    {
        await using var db = await _bed.Db.CreateDbContextAsync(TestContext.Current.CancellationToken);
        return await db.Files.AsNoTracking().Where(f => f.Id == _file.Id)
            .Select(f => new FileItem(f.Id, f.Name, f.Size, f.ContentType, f.Sha256, f.CreatedAt, f.FolderId, null))
            .SingleAsync(TestContext.Current.CancellationToken);
    }

    private ShareLink NewLink(DateTimeOffset at, bool all) => new()
    {
        Id = Guid.CreateVersion7(at),
        PublicId = all ? "abcdefghijklmnop" : "qrstuvwxyzabcdef",
        Kind = ShareLinkKind.File,
        FileId = _file.Id,
        CreatedById = _alice,
        CreatedAt = at,
        ExpiresAt = at.AddDays(3),
        MaxDownloads = all ? int.MaxValue : null,
        Downloads = all ? 12345 : 0,
        LastDownloadAt = all ? at.AddSeconds(1) : null,
        RevokedAt = all ? at.AddSeconds(2) : null,
        PasswordHash = all ? "hash ‘quoted’ \"value\"" : null,
        PasswordVersion = all ? 7 : 0,
        PasswordFailures = all ? 3 : 0,
        PasswordFailuresSince = at.AddMilliseconds(1),
        PausedUntil = at.AddMinutes(5),
        MaxFiles = all ? 10 : null,
        MaxBytes = all ? long.MaxValue : null,
        FilesReceived = all ? 2 : 0,
        BytesReceived = all ? 1L << 40 : 0,
    };

    public sealed class OnSqlite() : RowReadTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : RowReadTests(DatabaseProvider.PostgreSql);
}
