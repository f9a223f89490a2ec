using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.MultiProcess;

/// <summary>
/// Two processes of the app on one data directory and one SQLite database, started at the same time
/// as a supervisor would start them. Shared by a test class whose tests each use their own users.
/// </summary>
public sealed class ProcessPair : IAsyncLifetime
{
    public const long QuotaBytes = 10 * 1024 * 1024;

    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Vault:DefaultQuotaBytes"] = QuotaBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public string DataDirectory { get; } = TempDirectory.Create();

    public VaultProcess A { get; private set; } = null!;

    public VaultProcess B { get; private set; } = null!;

    public static async Task<ProcessPair> StartAsync()
    {
        var pair = new ProcessPair();
        await pair.InitializeAsync();
        return pair;
    }

    public async ValueTask InitializeAsync()
    {
        var a = VaultProcess.StartAsync(DataDirectory, Settings);
        var b = VaultProcess.StartAsync(DataDirectory, Settings);
        try
        {
            await Task.WhenAll(a, b);
        }
        catch
        {
            foreach (var started in new[] { a, b }.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            throw;
        }

        (A, B) = (a.Result, b.Result);
    }

    /// <summary>kill -9 of B and a new B on the same directory (whose start runs the sweeps).</summary>
    public async Task RestartBAsync()
    {
        await B.KillAsync();
        await B.DisposeAsync();
        B = await VaultProcess.StartAsync(DataDirectory, Settings);
    }

    public async ValueTask DisposeAsync()
    {
        if (A is not null)
        {
            await A.DisposeAsync();
        }

        if (B is not null)
        {
            await B.DisposeAsync();
        }

        TempDirectory.Delete(DataDirectory);
    }
}
