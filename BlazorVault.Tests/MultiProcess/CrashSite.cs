using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.MultiProcess;

/// <summary>
/// One data directory and database (SQLite there, or PostgreSQL), and the app process currently running
/// on them, which a test kills and starts again.
/// </summary>
public sealed class CrashSite : IAsyncDisposable
{
    private CrashSite(string dataDirectory, TestDatabase database)
    {
        DataDirectory = dataDirectory;
        Database = database;
    }

    public string DataDirectory { get; }

    public TestDatabase Database { get; }

    public VaultProcess App { get; private set; } = null!;

    /// <summary>When the running process was started: temp files older than this belong to a dead one.</summary>
    public DateTime StartedAt { get; private set; }

    /// <param name="prepare">Runs on the empty data directory before the first start.</param>
    public static async Task<CrashSite> StartAsync(DatabaseProvider provider, Action<string>? prepare = null)
    {
        var database = TestDatabase.Create(provider);
        var site = new CrashSite(TempDirectory.Create(), database);
        try
        {
            prepare?.Invoke(site.DataDirectory);
            await site.StartAppAsync();
            return site;
        }
        catch
        {
            await site.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// kill -9; then, with nothing running, the app's consistency check must find every blob's reference
    /// count equal to the file rows that use it, every user's usage equal to their files and unfinished
    /// uploads, and every file's bytes there; then a new process on the same directory.
    /// </summary>
    public async Task KillAndRestartAsync()
    {
        await App.KillAsync();
        await App.DisposeAsync();
        var (exitCode, output) = await VaultProcess.RunCheckAsync(DataDirectory, settings: Database.Configuration);
        Assert.True(exitCode == 0 && output.EndsWith("consistent", StringComparison.Ordinal), $"After the kill the check says ({exitCode}): {output}");
        await StartAppAsync();
    }

    /// <summary>
    /// Waits (up to 10 s) until the start-up sweep has removed every <c>*.upload</c> temp file written
    /// before this process started; fails naming the ones left.
    /// </summary>
    public async Task AssertNoTempFilesOfDeadProcessesAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var stale = Directory.Exists(Path.Combine(DataDirectory, "tmp"))
                ? Directory.EnumerateFiles(Path.Combine(DataDirectory, "tmp"), "*.upload", SearchOption.AllDirectories)
                    .Where(f => File.GetLastWriteTimeUtc(f) < StartedAt)
                    .ToList()
                : [];
            if (stale.Count == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"{stale.Count} temp files of the killed process are still there after the restart: {string.Join(", ", stale.Take(5))}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        Database.Drop();
        TempDirectory.Delete(DataDirectory);
    }

    private async Task StartAppAsync()
    {
        StartedAt = DateTime.UtcNow;
        App = await VaultProcess.StartAsync(DataDirectory, Database.Configuration.ToDictionary());
    }
}
