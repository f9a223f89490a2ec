using BlazorVault.Storage;
using Microsoft.Extensions.Options;

namespace BlazorVault.Files.Thumbnails;

/// <summary>
/// Makes queued thumbnails one at a time on this instance (every instance runs one; the rows' leases
/// keep them apart), so uploads and downloads keep the machine. Nothing it meets can stop the app: a
/// file that fails gets an icon, a passing failure is tried again, an unexpected one is logged.
/// </summary>
public sealed class ThumbnailWorker(
    ThumbnailQueue queue, IBlobStore blobs, IOptions<ThumbnailOptions> options, ILogger<ThumbnailWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sha256 = await queue.ClaimAsync(stoppingToken);
                if (sha256 is null)
                {
                    await queue.WaitForWorkAsync(stoppingToken);
                    continue;
                }

                await MakeAsync(sha256, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The thumbnail worker failed; it goes on after a pause");
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Makes one claimed thumbnail pair and records the outcome.</summary>
    internal async Task MakeAsync(string sha256, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var size = await queue.SourceSizeAsync(sha256, cancellationToken);
        if (size is null or 0 || size > settings.MaxSourceBytes)
        {
            await queue.FailAsync(sha256, size is null ? "The content is gone." : $"{size} bytes is not a thumbnail source (limit {settings.MaxSourceBytes}).", cancellationToken);
            return;
        }

        try
        {
            var (list, grid) = await ThumbnailMaker.MakeAsync(
                async token => await blobs.OpenReadAsync(sha256, token) ?? throw new ThumbnailRefusedException("The content is gone."),
                settings,
                cancellationToken);
            await queue.CompleteAsync(sha256, list, grid, cancellationToken);
            logger.LogDebug("Made the thumbnails of {Sha256} ({List} and {Grid} bytes)", sha256, list.Length, grid.Length);
        }
        catch (ThumbnailRefusedException e)
        {
            logger.LogInformation("No thumbnail for {Sha256}: {Reason}", sha256, e.Message);
            await queue.FailAsync(sha256, e.Message, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Could not make the thumbnail of {Sha256} now; it is tried again", sha256);
            await queue.RetryLaterAsync(sha256, cancellationToken);
        }
    }
}
