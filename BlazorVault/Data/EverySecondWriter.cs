using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Data;

/// <summary>
/// Writes what a buffer in memory holds (access-log entries, download counts) every second, and once more
/// when the app stops. A failed write is logged and tried again a second later; it never stops the host.
/// </summary>
public abstract class EverySecondWriter(TimeProvider clock, ILogger logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>What is written, for the log: "Share access log", say.</summary>
    protected abstract string What { get; }

    protected abstract Task FlushAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(e, "{What}: writing failed; it tries again in a second", What);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or DbUpdateException)
        {
            logger.LogWarning(e, "{What}: the last of it could not be written at shutdown", What);
        }
    }
}
