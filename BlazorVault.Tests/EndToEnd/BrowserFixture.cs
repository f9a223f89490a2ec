using BlazorVault.Tests.EndToEnd;
using Microsoft.Playwright;

// One browser for the whole test assembly, shared by browser test classes running in parallel.
[assembly: AssemblyFixture(typeof(BrowserFixture))]

namespace BlazorVault.Tests.EndToEnd;

/// <summary>
/// One headless Chromium for the whole run, started by the first browser test that asks for it (a run
/// filtered to other tests launches nothing); tests open their own <see cref="IBrowserContext"/>.
/// Drives the distribution's Chromium: Playwright's own browser downloads are not available here.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumVariable = "BLAZORVAULT_CHROMIUM";

    // Quiet, offline and GPU-less: CI containers have no GPU, no sandbox privileges and no reason
    // to let the browser phone home.
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly SemaphoreSlim _launchGate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static bool IsChromiumInstalled => File.Exists(ChromiumPath);

    public static string SkipReason =>
        $"Chromium not found at {ChromiumPath}: install the chromium package (.ci/run does) or set {ChromiumVariable}.";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>The shared browser, launched on first use; tests running in parallel wait for the one launch.</summary>
    public async Task<IBrowser> GetBrowserAsync()
    {
        if (!IsChromiumInstalled)
        {
            throw new InvalidOperationException(SkipReason);
        }

        await _launchGate.WaitAsync();
        try
        {
            if (_browser is null)
            {
                // Generous for a busy two-core CI machine; a passing step takes milliseconds.
                Assertions.SetDefaultExpectTimeout(15_000);
                _playwright = await Playwright.CreateAsync();
                _browser = await _playwright.Chromium.LaunchAsync(new()
                {
                    ExecutablePath = ChromiumPath,
                    Headless = true,
                    Args = ChromiumArgs,
                    Timeout = 60_000,
                });
            }

            return _browser;
        }
        finally
        {
            _launchGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _launchGate.Dispose();
    }
}
