using System.Text;
using BlazorVault.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BlazorVault.Tests.EndToEnd;

/// <summary>
/// Base of every browser test: its own app (fresh data directory and database) and its own
/// browser context (no cookies), sharing the run's Chromium; skipped where Chromium is missing.
/// Test classes run in parallel with each other, the tests of one class one after another.
/// A test also fails when the server answered any request with a 5xx, or when the page broke its
/// Content-Security-Policy (something the app needs is blocked there, or something injected ran). On failure a full-page
/// screenshot, the page's HTML and the browser console are saved under TestResults/e2e-artifacts/.
/// </summary>
[Trait("Category", "EndToEnd")]
public abstract class BrowserTest(BrowserFixture browser) : IAsyncLifetime
{
    public static readonly string ArtifactsDirectory = Path.Combine(AppContext.BaseDirectory, "TestResults", "e2e-artifacts");

    private readonly StringBuilder _console = new();
    private readonly List<string> _serverErrors = [];
    private readonly List<string> _policyViolations = [];
    private readonly List<IBrowserContext> _contexts = [];
    private string? _dataDirectory;
    private VaultApp? _app;
    private IPage? _page;

    protected VaultApp App => _app ?? throw new InvalidOperationException("The test has not started.");

    protected IPage Page => _page ?? throw new InvalidOperationException("The test has not started.");

    /// <summary>Settings the app starts with, on top of <see cref="VaultApp"/>'s own.</summary>
    protected virtual IDictionary<string, string?>? AppSettings => null;

    /// <summary>
    /// Changes to the app's services after the app registered its own (a test hook, say); applied
    /// to every start of the app, restarts included.
    /// </summary>
    protected virtual void ConfigureAppServices(IServiceCollection services)
    {
    }

    /// <summary>What every browser context of the test starts with (a locale, a time zone); the base URL is set here.</summary>
    protected virtual BrowserNewContextOptions? ContextOptions => null;

    /// <summary>The absolute URL of a path on this test's app, as the browser's address bar shows it.</summary>
    protected string UrlOf(string relative) => new Uri(App.BaseAddress, relative).AbsoluteUri;

    public async ValueTask InitializeAsync()
    {
        // Reported as skipped, with the reason, never as passed.
        Assert.SkipUnless(BrowserFixture.IsChromiumInstalled, BrowserFixture.SkipReason);
        // The test owns the data directory, so the app can be restarted on it.
        _dataDirectory = TempDirectory.Create();
        _app = new VaultApp(_dataDirectory, AppSettings, ConfigureAppServices);
        _page = await (await NewContextAsync()).NewPageAsync();
    }

    /// <summary>
    /// Another browser context on this test's app, like another person's browser: no cookies, no
    /// storage. Watched for 5xx answers and console output like the first; closed with the test.
    /// </summary>
    protected async Task<IBrowserContext> NewContextAsync()
    {
        var options = ContextOptions ?? new BrowserNewContextOptions();
        options.BaseURL = App.BaseAddress.AbsoluteUri;
        var context = await (await browser.GetBrowserAsync()).NewContextAsync(options);
        _contexts.Add(context);
        var label = _contexts.Count == 1 ? "" : $"[context {_contexts.Count}] ";
        context.SetDefaultTimeout(15_000);
        context.SetDefaultNavigationTimeout(30_000);
        // Both channels: the event names the directive and the blocked thing; Chromium's console error
        // also covers what the event misses (a violation inside a shadow root, say).
        await context.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e =>
                console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
            """);
        context.Page += (_, page) =>
        {
            page.Console += (_, message) =>
            {
                LogConsole($"{label}[{message.Type}] {message.Text}");
                if (message.Text.StartsWith("CSP violation:", StringComparison.Ordinal)
                    || message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                {
                    lock (_policyViolations)
                    {
                        _policyViolations.Add($"{label}{message.Text}");
                    }
                }
            };
            page.PageError += (_, error) => LogConsole($"{label}[pageerror] {error}");
        };
        context.Response += (_, response) =>
        {
            // A stopping app's "not now" to a new circuit (503 with Retry-After, see CircuitConnections) is an answer, not an error.
            if (response.Status >= 500 && !(response.Status == 503 && response.Headers.ContainsKey("retry-after")))
            {
                lock (_serverErrors)
                {
                    _serverErrors.Add($"{response.Status} {response.Request.Method} {response.Url}");
                }
            }
        };
        return context;
    }

    /// <summary>
    /// Waits until the dashboard's circuit is up and its inputs are wired: before that, the page is
    /// server-rendered HTML on which clicks and chosen files do nothing.
    /// </summary>
    protected async Task WaitForCircuitAsync(IPage? page = null) =>
        await Assertions.Expect((page ?? Page).Locator("body[data-circuit-ready]")).ToBeAttachedAsync();

    /// <summary>
    /// Stops the app and starts it again on the same data directory and port, as an administrator
    /// restarting the service would; open pages keep their address. <paramref name="whileStopped"/>
    /// runs in between, when nothing answers on the port.
    /// </summary>
    protected async Task RestartAppAsync(Func<Task>? whileStopped = null)
    {
        var port = App.BaseAddress.Port;
        await App.DisposeAsync();
        _app = null;
        if (whileStopped is not null)
        {
            await whileStopped();
        }

        _app = new VaultApp(_dataDirectory, AppSettings, ConfigureAppServices, port);
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        string[] serverErrors;
        lock (_serverErrors)
        {
            serverErrors = [.. _serverErrors];
        }

        string[] policyViolations;
        lock (_policyViolations)
        {
            policyViolations = [.. _policyViolations];
        }

        try
        {
            if ((TestContext.Current.TestState?.Result == TestResult.Failed || serverErrors.Length > 0 || policyViolations.Length > 0) && _page is not null)
            {
                await SaveArtifactsAsync(_page);
            }

            // A page can look right while a script or stylesheet behind it failed: no test passes over a 5xx.
            Assert.True(serverErrors.Length == 0, $"The server answered with errors:{Environment.NewLine}{string.Join(Environment.NewLine, serverErrors)}");
            Assert.True(policyViolations.Length == 0, $"The page broke its Content-Security-Policy:{Environment.NewLine}{string.Join(Environment.NewLine, policyViolations)}");
        }
        finally
        {
            foreach (var context in _contexts)
            {
                await context.DisposeAsync();
            }

            if (_app is not null)
            {
                await _app.DisposeAsync();
            }

            if (_dataDirectory is not null)
            {
                TempDirectory.Delete(_dataDirectory);
            }
        }
    }

    /// <summary>
    /// The policy violations seen so far, forgotten once taken: for a test that provokes one on purpose,
    /// which would otherwise fail it.
    /// </summary>
    protected IReadOnlyList<string> TakePolicyViolations()
    {
        lock (_policyViolations)
        {
            var taken = _policyViolations.ToArray();
            _policyViolations.Clear();
            return taken;
        }
    }

    /// <summary>For a person to look at the page: saved only when BLAZORVAULT_SCREENSHOTS names a folder.</summary>
    protected async Task SaveScreenshotAsync(string name, IPage? page = null, bool fullPage = false)
    {
        if (Environment.GetEnvironmentVariable("BLAZORVAULT_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await (page ?? Page).ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = fullPage });
        }
    }

    /// <summary>Creates an account through the registration form; the browser ends signed in.</summary>
    protected async Task RegisterAsync(string userName, string password = FormClient.DefaultPassword)
    {
        await Page.GotoAsync("register");
        await Page.GetByLabel("User name").FillAsync(userName);
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await Page.GetByLabel("Confirm password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
    }

    /// <summary>Fills and submits the sign-in form on the page the browser is on.</summary>
    protected async Task SignInOnThisPageAsync(string userName, string password = FormClient.DefaultPassword)
    {
        await Page.GetByLabel("User name").FillAsync(userName);
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    private async Task SaveArtifactsAsync(IPage page)
    {
        var output = TestContext.Current.TestOutputHelper;
        var test = TestContext.Current.Test?.TestCase;
        var name = Sanitize($"{test?.TestClassSimpleName ?? GetType().Name}.{test?.TestMethod?.MethodName ?? "unknown"}");
        var basePath = Path.Combine(ArtifactsDirectory, name);
        try
        {
            Directory.CreateDirectory(ArtifactsDirectory);
            await page.ScreenshotAsync(new() { Path = basePath + ".png", FullPage = true, Timeout = 10_000 });
            await File.WriteAllTextAsync(basePath + ".html", await page.ContentAsync());
            string console;
            lock (_console)
            {
                console = _console.ToString();
            }

            await File.WriteAllTextAsync(basePath + ".console.txt", $"URL: {page.Url}{Environment.NewLine}{console}");
            output?.WriteLine($"Browser artifacts: {basePath}.png, {basePath}.html, {basePath}.console.txt");
        }
        catch (Exception e) when (e is PlaywrightException or IOException or TimeoutException)
        {
            // The failure itself matters more than its pictures: report and let it through.
            output?.WriteLine($"Could not save browser artifacts to {basePath}.*: {e.Message}");
        }
    }

    private void LogConsole(string line)
    {
        lock (_console)
        {
            _console.AppendLine(line);
        }
    }

    private static string Sanitize(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        return string.Concat(name.Select(c => invalid.Contains(c) ? '_' : c));
    }
}
