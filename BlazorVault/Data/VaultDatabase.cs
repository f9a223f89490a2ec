using Npgsql;

namespace BlazorVault.Data;

public enum DatabaseProvider
{
    /// <summary>An embedded SQLite file in the data directory: nothing to install (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server named by <c>ConnectionStrings:Vault</c>: for several app instances.</summary>
    PostgreSql,
}

/// <summary>
/// Which database the app uses: <c>Vault:Database:Provider</c> and, for PostgreSQL, <c>ConnectionStrings:Vault</c>
/// (Npgsql format). Read when services are registered, since the provider decides what is registered; a bad
/// value stops the app there, with a message naming the setting.
/// </summary>
public sealed record VaultDatabase(DatabaseProvider Provider, string? ConnectionString)
{
    public const string ProviderKey = "Vault:Database:Provider";
    public const string ConnectionStringName = "Vault";
    public const string ConnectionStringKey = "ConnectionStrings:" + ConnectionStringName;

    public static VaultDatabase Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var raw = configuration[ProviderKey];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return new(DatabaseProvider.Sqlite, null);
        }

        // Names only: Enum.TryParse would also take "1".
        var provider = Enum.GetValues<DatabaseProvider>()
            .Select(p => (DatabaseProvider?)p)
            .FirstOrDefault(p => string.Equals(p.ToString(), raw.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"{ProviderKey} is '{raw}': use Sqlite (the default) or PostgreSql.");
        if (provider == DatabaseProvider.Sqlite)
        {
            return new(provider, null);
        }

        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"{ProviderKey} is PostgreSql, so {ConnectionStringKey} must name the database "
                + "(Npgsql format: Host=db.example;Database=vault;Username=vault;Password=...).");
        }

        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // The message names the bad keyword, never a value.
            throw new InvalidOperationException($"{ConnectionStringKey} is not an Npgsql connection string: {e.Message}", e);
        }

        if (string.IsNullOrWhiteSpace(parsed.Host) || string.IsNullOrWhiteSpace(parsed.Database))
        {
            throw new InvalidOperationException($"{ConnectionStringKey} must give at least Host and Database.");
        }

        return new(provider, connectionString);
    }

    /// <summary>Where the database is, for messages: never the password.</summary>
    public string Describe()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            return "SQLite";
        }

        var parsed = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL Host={parsed.Host};Port={parsed.Port};Database={parsed.Database};Username={parsed.Username}";
    }
}
