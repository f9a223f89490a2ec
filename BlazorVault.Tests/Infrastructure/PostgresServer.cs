using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace BlazorVault.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL server for the whole test run, started on first use from the distribution's binaries
/// (<c>/usr/lib/postgresql/&lt;version&gt;/bin</c>, or the directory <see cref="BinVariable"/> names) in a
/// temporary directory, on a free loopback port, with its socket in that directory too; stopped and
/// removed when the test process exits. Every test installation gets a database of its own
/// (<see cref="CreateDatabase"/>). Where the binaries are missing, tests that need it are skipped
/// with <see cref="SkipReason"/>. Durability is off: a test database does not outlive the run.
/// </summary>
public sealed class PostgresServer
{
    public const string BinVariable = "BLAZORVAULT_PG_BIN";

    // initdb and the server refuse to run as root; the distribution's package creates this user.
    private const string ServiceUser = "postgres";

    private static readonly Lazy<PostgresServer> Shared = new(Start);

    private readonly string _root;
    private readonly string _dataDirectory;
    private readonly string _binDirectory;
    private readonly bool _asServiceUser;

    private PostgresServer(string binDirectory, string root, bool asServiceUser, int port)
    {
        _binDirectory = binDirectory;
        _root = root;
        _dataDirectory = Path.Combine(root, "data");
        _asServiceUser = asServiceUser;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The directory holding initdb and pg_ctl; null when PostgreSQL is not installed.</summary>
    public static string? BinDirectory =>
        Environment.GetEnvironmentVariable(BinVariable) is { Length: > 0 } configured
            ? configured
            : Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql")
                    .Select(version => Path.Combine(version, "bin"))
                    .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
                    .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                    .FirstOrDefault()
                : null;

    public static bool IsInstalled => BinDirectory is { } bin && File.Exists(Path.Combine(bin, "initdb"));

    public static string SkipReason => Environment.GetEnvironmentVariable(BinVariable) is { Length: > 0 } configured
        ? $"PostgreSQL not found: {BinVariable} names {configured}, which holds no initdb."
        : $"PostgreSQL not found (no initdb under /usr/lib/postgresql/*/bin): install the postgresql package (.ci/run does) or set {BinVariable}.";

    /// <summary>The shared server, started by the first caller; skips the calling test when PostgreSQL is not installed.</summary>
    public static PostgresServer Instance
    {
        get
        {
            // Reported as skipped, with the reason, never as passed.
            Assert.SkipUnless(IsInstalled, SkipReason);
            return Shared.Value;
        }
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = IPAddress.Loopback.ToString(),
        Port = Port,
        Username = ServiceUser,
        Database = database,
        IncludeErrorDetail = true,
    }.ConnectionString;

    /// <summary>A new, empty database; returns its name.</summary>
    public string CreateDatabase()
    {
        var name = "vault_" + Guid.NewGuid().ToString("N")[..20];
        // FILE_COPY: copying the small template beats writing it through the WAL (the default since 15).
        Execute($"CREATE DATABASE \"{name}\" STRATEGY = FILE_COPY");
        return name;
    }

    /// <summary>Drops a database, ending its sessions (an app that was killed, pooled connections).</summary>
    public void DropDatabase(string name)
    {
        using (var connection = new NpgsqlConnection(ConnectionString(name)))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        Execute($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    private void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static PostgresServer Start()
    {
        var bin = BinDirectory!;
        var asServiceUser = Environment.UserName == "root";
        var root = Path.Combine(Path.GetTempPath(), "blazorvault-tests", "postgres-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(root, "run"));
        var server = new PostgresServer(bin, root, asServiceUser, FreePort());
        try
        {
            if (asServiceUser)
            {
                Run("chown", ["-R", $"{ServiceUser}:{ServiceUser}", root], asServiceUser: false);
            }

            server.RunTool("initdb", ["-D", server._dataDirectory, "-U", ServiceUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
            server.RunTool("pg_ctl",
            [
                "start", "-w", "-t", "60", "-D", server._dataDirectory, "-l", Path.Combine(root, "server.log"),
                "-o", $"-p {server.Port} -k {Path.Combine(root, "run")} -c listen_addresses=127.0.0.1 -c max_connections=400 "
                    + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            ]);
        }
        catch (Exception e)
        {
            var log = Path.Combine(root, "server.log");
            throw new InvalidOperationException(
                $"Could not start PostgreSQL from {bin}: {e.Message}{(File.Exists(log) ? "\n" + File.ReadAllText(log) : "")}", e);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    private void Stop()
    {
        try
        {
            RunTool("pg_ctl", ["stop", "-m", "immediate", "-D", _dataDirectory]);
        }
        catch (InvalidOperationException)
        {
            // Already gone: nothing to stop.
        }

        TempDirectory.Delete(_root);
    }

    private void RunTool(string tool, IReadOnlyList<string> arguments) =>
        Run(Path.Combine(_binDirectory, tool), arguments, _asServiceUser);

    private static void Run(string program, IReadOnlyList<string> arguments, bool asServiceUser)
    {
        var start = new ProcessStartInfo(asServiceUser ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The server's own temp files and the runuser shell must not land in a directory it cannot enter.
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asServiceUser)
        {
            foreach (var argument in (string[])["-u", ServiceUser, "--", program])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        // Read both pipes while waiting: a full pipe would stall the tool.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(program)} did not finish within 90 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} exited with {process.ExitCode}: {error.Result}{output.Result}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
