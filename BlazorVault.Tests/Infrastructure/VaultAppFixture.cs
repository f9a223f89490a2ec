using BlazorVault.Data;

namespace BlazorVault.Tests.Infrastructure;

/// <summary>
/// One <see cref="VaultApp"/> for a test class, on one database provider with the class's settings: a test
/// class runs on both providers through a subclass per provider, each with its fixture's subclass.
/// The app starts with the first test that asks, so a test skipped for want of PostgreSQL starts nothing.
/// </summary>
public abstract class VaultAppFixture(DatabaseProvider provider, IDictionary<string, string?>? settings = null) : IAsyncDisposable
{
    private readonly Lazy<VaultApp> _app = new(() => new VaultApp(settings: settings, database: TestDatabase.Create(provider)));

    public VaultApp App => _app.Value;

    public async ValueTask DisposeAsync()
    {
        if (_app.IsValueCreated)
        {
            await _app.Value.DisposeAsync();
            _app.Value.Database.Drop();
        }

        GC.SuppressFinalize(this);
    }
}
