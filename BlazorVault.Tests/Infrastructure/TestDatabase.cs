using BlazorVault.Data;

namespace BlazorVault.Tests.Infrastructure;

/// <summary>
/// The database of one test installation: the SQLite file in its data directory, or a database of its
/// own on the run's <see cref="PostgresServer"/>. An app given the same data directory and the same
/// <see cref="TestDatabase"/> is the same installation restarted (or a second instance of it).
/// Creating a PostgreSQL one skips the test where PostgreSQL is not installed.
/// </summary>
public sealed class TestDatabase
{
    private TestDatabase(DatabaseProvider provider, string? name)
    {
        Provider = provider;
        Name = name;
    }

    public DatabaseProvider Provider { get; }

    /// <summary>The PostgreSQL database's name; null on SQLite.</summary>
    public string? Name { get; }

    public string? ConnectionString => Name is null ? null : PostgresServer.Instance.ConnectionString(Name);

    /// <summary>What the app is configured with (the ones its own start reads).</summary>
    public VaultDatabase Settings => new(Provider, ConnectionString);

    /// <summary>The configuration keys that choose this database, for an in-process app or a process's environment.</summary>
    public IReadOnlyDictionary<string, string?> Configuration => Provider == DatabaseProvider.Sqlite
        ? new Dictionary<string, string?>()
        : new Dictionary<string, string?>
        {
            [VaultDatabase.ProviderKey] = nameof(DatabaseProvider.PostgreSql),
            [VaultDatabase.ConnectionStringKey] = ConnectionString,
        };

    public static TestDatabase Sqlite { get; } = new(DatabaseProvider.Sqlite, null);

    /// <summary>A new, empty database of the provider's kind (on SQLite: the one in the data directory).</summary>
    public static TestDatabase Create(DatabaseProvider provider) =>
        provider == DatabaseProvider.Sqlite ? Sqlite : new(DatabaseProvider.PostgreSql, PostgresServer.Instance.CreateDatabase());

    /// <summary>Drops a PostgreSQL database (the SQLite file goes with its data directory).</summary>
    public void Drop()
    {
        if (Name is not null)
        {
            PostgresServer.Instance.DropDatabase(Name);
        }
    }

    public override string ToString() => Name is null ? "SQLite" : $"PostgreSQL {Name}";
}
