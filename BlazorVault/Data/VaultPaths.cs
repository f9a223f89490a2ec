using Microsoft.Extensions.Options;

namespace BlazorVault.Data;

/// <summary>Absolute locations inside the data directory, created on first use.</summary>
public sealed class VaultPaths
{
    public VaultPaths(IOptions<VaultOptions> options, IHostEnvironment environment)
    {
        Root = Path.GetFullPath(options.Value.DataDirectory, environment.ContentRootPath);
        CreatePrivateDirectory(Root);
    }

    public string Root { get; }

    public string DatabaseFile => Path.Combine(Root, "vault.db");

    /// <summary>The SQLite database's connection string; makes the (empty, owner-only) file on first use.</summary>
    public string SqliteConnectionString()
    {
        CreatePrivateFile(DatabaseFile);
        return $"Data Source={DatabaseFile};Foreign Keys=True";
    }

    public string SubDirectory(string name)
    {
        var path = Path.Combine(Root, name);
        CreatePrivateDirectory(path);
        return path;
    }

    /// <summary>
    /// Owner only (0700) on Unix, for every directory this call creates: the data directory holds other
    /// people's files. An existing directory keeps the mode its operator gave it.
    /// </summary>
    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        if (Directory.Exists(path))
        {
            return;
        }

        // The mode applies only to the last directory made, so the missing parents go first.
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } parent)
        {
            CreatePrivateDirectory(parent);
        }

        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    // SQLite creates a missing database file under the process umask (0644), and its -wal and -shm
    // files with the database file's mode: an empty file made 0600 first is a new database to SQLite.
    private static void CreatePrivateFile(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }

        try
        {
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process on the same data directory made it first.
        }
    }
}
