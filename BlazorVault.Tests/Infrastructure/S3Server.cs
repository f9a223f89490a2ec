using System.Diagnostics;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using BlazorVault.Tests.Infrastructure;

// One S3 emulator for the whole test assembly, started by the first test that asks for a bucket.
[assembly: AssemblyFixture(typeof(S3Server))]

namespace BlazorVault.Tests.Infrastructure;

/// <summary>
/// s3rver (npm, https://github.com/jamhall/s3rver) on a free loopback port with a temporary directory:
/// the S3-compatible server the <c>Vault:Storage:Provider=S3</c> tests run against. Each test class gets
/// a bucket of its own. Where node or s3rver is missing the S3 tests are reported as skipped, with the reason.
/// </summary>
public sealed partial class S3Server : IAsyncDisposable
{
    public const string ExecutableVariable = "BLAZORVAULT_S3RVER";
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly SemaphoreSlim _startGate = new(1, 1);
    private Process? _process;
    private string? _directory;
    private Uri? _endpoint;
    private int _buckets;

    public static string? ExecutablePath =>
        Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } path ? path : OnPath("s3rver");

    public static bool IsAvailable => ExecutablePath is { } path && File.Exists(path) && OnPath("node") is not null;

    public static string SkipReason =>
        "s3rver or node not found: install node and `npm install -g s3rver@3.7.1` (.ci/run does), or set " + ExecutableVariable + ".";

    /// <summary>The settings that point the app at a new, empty bucket of its own (skips the test where s3rver is missing).</summary>
    public async Task<Dictionary<string, string?>> NewBucketSettingsAsync(string purpose)
    {
        Assert.SkipUnless(IsAvailable, SkipReason);
        var endpoint = await StartAsync();
        var bucket = $"{new string([.. purpose.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(40)])}-{Interlocked.Increment(ref _buckets)}";
        using (var client = CreateClient(endpoint))
        {
            await client.PutBucketAsync(bucket);
        }

        return new Dictionary<string, string?>
        {
            ["Vault:Storage:Provider"] = "S3",
            ["Vault:Storage:S3:ServiceUrl"] = endpoint.AbsoluteUri,
            ["Vault:Storage:S3:Bucket"] = bucket,
            ["Vault:Storage:S3:AccessKey"] = AccessKey,
            ["Vault:Storage:S3:SecretKey"] = SecretKey,
            ["Vault:Storage:S3:ForcePathStyle"] = "true",
        };
    }

    /// <summary>A client for looking at a bucket from outside the app.</summary>
    public async Task<IAmazonS3> CreateClientAsync() => CreateClient(await StartAsync());

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        if (_directory is not null)
        {
            TempDirectory.Delete(_directory);
        }

        _startGate.Dispose();
    }

    private static AmazonS3Client CreateClient(Uri endpoint) => new(
        new BasicAWSCredentials(AccessKey, SecretKey),
        new AmazonS3Config
        {
            ServiceURL = endpoint.AbsoluteUri,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    private async Task<Uri> StartAsync()
    {
        await _startGate.WaitAsync();
        try
        {
            if (_endpoint is not null)
            {
                return _endpoint;
            }

            _directory = TempDirectory.Create();
            var start = new ProcessStartInfo(ExecutablePath!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])["--directory", _directory, "--address", "127.0.0.1", "--port", "0", "--no-vhost-buckets"])
            {
                start.ArgumentList.Add(argument);
            }

            // ListObjectsV2 continuation tokens use a cipher that node 17+ only has with the legacy provider.
            start.Environment["NODE_OPTIONS"] = "--openssl-legacy-provider";
            _process = Process.Start(start) ?? throw new InvalidOperationException("s3rver did not start.");
            var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
            void OnLine(object sender, DataReceivedEventArgs e)
            {
                if (e.Data is not { } line)
                {
                    return;
                }

                // Keep the start-up lines for the error message; request logs are drained and dropped.
                if (!listening.Task.IsCompleted)
                {
                    output.Enqueue(line);
                }

                if (Listening().Match(line) is { Success: true } match)
                {
                    listening.TrySetResult(new Uri($"http://127.0.0.1:{match.Groups[1].Value}/"));
                }
            }

            _process.OutputDataReceived += OnLine;
            _process.ErrorDataReceived += OnLine;
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            var started = await Task.WhenAny(listening.Task, _process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30)));
            if (started != listening.Task)
            {
                throw new InvalidOperationException($"s3rver did not start listening: {string.Join(Environment.NewLine, output)}");
            }

            return _endpoint = await listening.Task;
        }
        finally
        {
            _startGate.Release();
        }
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    [GeneratedRegex(@"listening on [^\s:]+:(\d+)")]
    private static partial Regex Listening();
}
