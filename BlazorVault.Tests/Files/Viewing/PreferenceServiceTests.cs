using BlazorVault.Data;
using BlazorVault.Files.Viewing;
using BlazorVault.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorVault.Tests.Files.Viewing;

public abstract class PreferenceServiceTests(DatabaseProvider provider) : IAsyncLifetime
{
    private FilesTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await FilesTestBed.CreateAsync(provider: provider);

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task TheLayout_IsListUntilChosen_ThenKeptPerUser()
    {
        var preferences = new PreferenceService(_bed.Db);
        var alice = await _bed.AddUserAsync("alice");
        var bob = await _bed.AddUserAsync("bob");

        Assert.Equal(DriveLayout.List, await preferences.GetLayoutAsync(alice));
        await preferences.SetLayoutAsync(alice, DriveLayout.Grid);
        await preferences.SetLayoutAsync(alice, DriveLayout.Grid);

        Assert.Equal(DriveLayout.Grid, await preferences.GetLayoutAsync(alice));
        Assert.Equal(DriveLayout.List, await preferences.GetLayoutAsync(bob));
        await preferences.SetLayoutAsync(alice, DriveLayout.List);
        Assert.Equal(DriveLayout.List, await preferences.GetLayoutAsync(alice));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => preferences.SetLayoutAsync(alice, (DriveLayout)7));
    }

    public sealed class OnSqlite() : PreferenceServiceTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : PreferenceServiceTests(DatabaseProvider.PostgreSql);
}
