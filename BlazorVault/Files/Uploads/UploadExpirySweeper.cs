namespace BlazorVault.Files.Uploads;

/// <summary>Removes abandoned (expired) resumable uploads and their staged bytes, at start and then every hour.</summary>
internal sealed class UploadExpirySweeper(TusUploadService uploads, TimeProvider clock, ILogger<UploadExpirySweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                if (uploads.SweepExpired() is var removed and > 0)
                {
                    logger.LogInformation("Upload sweep removed {Count} abandoned uploads", removed);
                }
            }
            catch (IOException e)
            {
                logger.LogError(e, "Upload sweep failed; it runs again in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
