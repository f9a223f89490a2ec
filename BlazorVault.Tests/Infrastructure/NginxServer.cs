using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BlazorVault.Tests.Infrastructure;

/// <summary>
/// A throwaway nginx (Debian's <c>nginx</c>) on a free loopback port, with the configuration a test gives it.
/// Where nginx is missing, the test is reported as skipped with the reason.
/// </summary>
public sealed class NginxServer : IAsyncDisposable
{
    public const string ExecutableVariable = "BLAZORVAULT_NGINX";

    private readonly Process _process;
    private readonly string _directory;

    private NginxServer(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
    }

    public Uri Address { get; }

    public static string? ExecutablePath =>
        Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } path ? path
        : new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists);

    public static string SkipReason => "nginx not found: install Debian's nginx (.ci/run does), or set " + ExecutableVariable + ".";

    /// <summary>Starts nginx with <paramref name="serverBlock"/> (given the port to listen on) inside its <c>http</c> block.</summary>
    public static async Task<NginxServer> StartAsync(Func<int, string> serverBlock)
    {
        Assert.SkipUnless(ExecutablePath is not null, SkipReason);
        var directory = TempDirectory.Create();
        Directory.CreateDirectory(Path.Combine(directory, "tmp"));
        var port = FreePort();
        var user = Environment.UserName == "root" ? "user root root;" : "";
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            {{user}}
            worker_processes 1;
            daemon off;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                default_type application/octet-stream;
                client_body_temp_path {{directory}}/tmp;
                proxy_temp_path {{directory}}/tmp;
                fastcgi_temp_path {{directory}}/tmp;
                uwsgi_temp_path {{directory}}/tmp;
                scgi_temp_path {{directory}}/tmp;
                {{serverBlock(port)}}
            }
            """);
        var process = Process.Start(new ProcessStartInfo(ExecutablePath!, ["-c", config, "-e", Path.Combine(directory, "error.log")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var address = new Uri($"http://127.0.0.1:{port}/");
        for (var tries = 0; ; tries++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (tries < 100 && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                var log = File.Exists(Path.Combine(directory, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(directory, "error.log")) : "";
                throw new InvalidOperationException($"nginx did not start: {await process.StandardError.ReadToEndAsync()} {log}");
            }
        }

        return new NginxServer(process, directory, address);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        TempDirectory.Delete(_directory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
