using BlazorVault.Storage;

namespace BlazorVault.Files;

/// <summary>Removes unreferenced blobs and abandoned temporary files at start and then every hour.</summary>
internal sealed class BlobSweeper(IBlobStore blobs, FileService files, TimeProvider clock, ILogger<BlobSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                var removed = await blobs.SweepAsync(files.FindReferencedAsync, stoppingToken);
                if (removed > 0)
                {
                    logger.LogInformation("Blob sweep removed {Count} unreferenced files", removed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Blob sweep failed; it runs again in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
