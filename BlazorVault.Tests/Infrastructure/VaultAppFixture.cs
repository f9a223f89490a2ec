using BlazorVault.Data;

namespace BlazorVault.Tests.Infrastructure;

/// <summary>
/// One <see cref="VaultApp"/> for a test class, on one database provider with the class's settings: a test
/// class runs on several configurations through a subclass per configuration, each with its fixture's
/// subclass. The app starts with the first test that asks (a class's tests run one after another), so a
/// test skipped for want of PostgreSQL (or of the S3 server) starts nothing.
/// </summary>
public abstract class VaultAppFixture(DatabaseProvider provider, IDictionary<string, string?>? settings = null) : IAsyncDisposable
{
    private VaultApp? _app;

    public VaultApp App => _app ??= Start();

    /// <summary>Settings the app starts with, on top of <see cref="VaultApp"/>'s own.</summary>
    protected IDictionary<string, string?>? Settings => settings;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app.Database.Drop();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the app; a subclass may start it with more settings (a bucket of its own, say).</summary>
    protected virtual VaultApp Start() => Start(settings);

    protected VaultApp Start(IDictionary<string, string?>? withSettings) => new(settings: withSettings, database: TestDatabase.Create(provider));
}
