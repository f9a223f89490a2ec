using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace BlazorVault.Tests.Infrastructure;

/// <summary>
/// The real app as a separate OS process (<c>dotnet BlazorVault.dll</c>) on a data directory the
/// caller names, so that two of them can share one directory and a test can kill one with SIGKILL.
/// Tests reach it over HTTP only. A restart is a new <see cref="VaultProcess"/> on the same directory.
/// </summary>
public sealed partial class VaultProcess : IAsyncDisposable
{
    private const int OutputLines = 400;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private VaultProcess(string dataDirectory, IDictionary<string, string?>? settings)
    {
        DataDirectory = dataDirectory;
        var appDirectory = AppDirectory.Value;
        var start = new ProcessStartInfo(DotnetHost.Value)
        {
            // The content root is the working directory: appsettings.json sits beside the dll.
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(appDirectory, "BlazorVault.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");

        // Whatever the test runner was started with must not leak into the app.
        foreach (var inherited in start.Environment.Keys.Where(k =>
                     k.StartsWith("Vault__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                     || k is "DOTNET_URLS" or "DOTNET_ENVIRONMENT").ToList())
        {
            start.Environment.Remove(inherited);
        }

        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Vault__DataDirectory"] = dataDirectory,
            // Fast hashes: the tests are about behaviour, bench/ is about cost.
            ["Vault__Passwords__BcryptWorkFactor"] = "4",
            ["Vault__RateLimits__AuthPermitsPerMinute"] = "1000",
            // Tests are about behaviour, not about how full the machine's disk happens to be.
            ["Vault__Storage__MinFreeBytes"] = "0",
            ["Logging__LogLevel__Default"] = "Warning",
            // "Now listening on:" is how the test learns the port.
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            ["Logging__LogLevel__BlazorVault"] = "Information",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Record("out", e.Data);
        _process.ErrorDataReceived += (_, e) => Record("err", e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException("The app exited before it listened."));
    }

    public string DataDirectory { get; }

    /// <summary>Where the app listens, ending in a slash.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the app wrote to stdout and stderr, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>The last <paramref name="lines"/> lines of <see cref="Output"/>.</summary>
    public string OutputTail(int lines = 20) => string.Join(Environment.NewLine, _output.TakeLast(lines));

    /// <summary>An answer for a failure message: status, a short body (not an HTML page) and what the app logged last.</summary>
    public async Task<string> DescribeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType == "text/html" || body.Length > 500)
        {
            body = body.Length == 0 ? "" : $"({body.Length} characters of {response.Content.Headers.ContentType?.MediaType})";
        }

        return $"{(int)response.StatusCode} {body}{Environment.NewLine}Last lines of the app at {BaseAddress}:{Environment.NewLine}{OutputTail()}";
    }

    /// <summary>Starts the app and returns once <c>/health</c> answers 200.</summary>
    /// <param name="settings">App settings by configuration key (<c>Vault:DefaultQuotaBytes</c>), passed as environment variables.</param>
    public static async Task<VaultProcess> StartAsync(string dataDirectory, IDictionary<string, string?>? settings = null)
    {
        var app = new VaultProcess(dataDirectory, settings);
        try
        {
            await app.StartAndWaitUntilHealthyAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>A browser-like client: keeps cookies, does not follow redirects.</summary>
    public HttpClient CreateBrowserClient(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = BaseAddress,
        };

    /// <summary>kill -9: no shutdown hooks, no flushing; waits until the process is gone.</summary>
    /// <summary>
    /// Runs the app's consistency check (<c>BlazorVault.dll check</c>) on <paramref name="dataDirectory"/>
    /// as an operator would, with no app running there; returns its exit code and output.
    /// </summary>
    /// <param name="settings">App settings by configuration key, as for <see cref="StartAsync"/> (the database's, say).</param>
    public static async Task<(int ExitCode, string Output)> RunCheckAsync(string dataDirectory, bool repair = false, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var start = new ProcessStartInfo(DotnetHost.Value)
        {
            WorkingDirectory = AppDirectory.Value,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppDirectory.Value, "BlazorVault.dll"));
        start.ArgumentList.Add("check");
        if (repair)
        {
            start.ArgumentList.Add("--repair");
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Vault__DataDirectory"] = dataDirectory;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? [])
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await output + await error).Trim());
    }

    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            Record("test", "--- SIGKILL ---");
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited between the check and the kill.
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await KillAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task StartAndWaitUntilHealthyAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        if (!_process.Start())
        {
            throw new InvalidOperationException("The app process did not start.");
        }

        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            BaseAddress = await _listening.Task.WaitAsync(timeout.Token);
            using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            while (true)
            {
                timeout.Token.ThrowIfCancellationRequested();
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"The app exited with code {_process.ExitCode}.");
                }

                try
                {
                    using var health = await client.GetAsync("health", timeout.Token);
                    if (health.StatusCode == HttpStatusCode.OK)
                    {
                        Record("test", $"--- healthy after {stopwatch.ElapsedMilliseconds} ms ---");
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not accepting yet, or gone: the next round says which.
                }

                await Task.Delay(100, timeout.Token);
            }
        }
        catch (Exception e)
        {
            // Let the last lines (the exception that stopped the host, usually) arrive.
            await Task.Delay(300);
            var reason = e is OperationCanceledException ? $"not healthy within {StartTimeout.TotalSeconds:0} s" : e.Message;
            throw new InvalidOperationException(
                $"The app on {DataDirectory} did not start ({reason}). Its output:{Environment.NewLine}{Output}", e);
        }
    }

    private void Record(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue($"[{stream}] {line}");
        while (_output.Count > OutputLines && _output.TryDequeue(out _))
        {
        }

        if (!_listening.Task.IsCompleted && ListeningOn().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();

    /// <summary>
    /// The directory holding BlazorVault.dll with its runtimeconfig: the test output (the project
    /// reference copies the app there), else the app project's own output for this configuration.
    /// </summary>
    private static readonly Lazy<string> AppDirectory = new(() =>
    {
        static bool Runnable(string directory) =>
            File.Exists(Path.Combine(directory, "BlazorVault.dll")) && File.Exists(Path.Combine(directory, "BlazorVault.runtimeconfig.json"));

        var here = AppContext.BaseDirectory;
        if (Runnable(here))
        {
            return here;
        }

        // bin/<Configuration>/net10.0/ of the test project, beside the app project.
        var framework = new DirectoryInfo(here.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!;
        var candidate = Path.Combine(configuration.Parent!.Parent!.Parent!.FullName, "BlazorVault", "bin", configuration.Name, framework.Name);
        return Runnable(candidate)
            ? candidate
            : throw new InvalidOperationException($"BlazorVault.dll with its runtimeconfig is neither in {here} nor in {candidate}; build the solution first.");
    });

    /// <summary>The dotnet host that runs these tests, so the app gets the same runtime.</summary>
    private static readonly Lazy<string> DotnetHost = new(() =>
    {
        var executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (Environment.ProcessPath is { } processPath && Path.GetFileName(processPath) == executable)
        {
            return processPath;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/
        var root = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var besideRuntime = Path.Combine(root, executable);
        return File.Exists(besideRuntime) ? besideRuntime : executable;
    });
}
