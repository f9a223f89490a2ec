using Microsoft.Playwright;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>
/// One headless Chromium for the whole run; tests open their own <see cref="IBrowserContext"/>.
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

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static bool IsChromiumInstalled => File.Exists(ChromiumPath);

    public static string SkipReason =>
        $"Chromium not found at {ChromiumPath}: install the chromium package (.ci/run does) or set {ChromiumVariable}.";

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(SkipReason);

    public async ValueTask InitializeAsync()
    {
        // Skipped tests still get their collection fixture: launch nothing when there is nothing to drive.
        if (!IsChromiumInstalled)
        {
            return;
        }

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

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
