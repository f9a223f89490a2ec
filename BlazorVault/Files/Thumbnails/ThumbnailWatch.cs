namespace BlazorVault.Files.Thumbnails;

/// <summary>
/// For a page of the drive: which of its images have a thumbnail to show. Asks for the missing ones (older
/// files had none made) and, while some are still being made, looks again every second and a half for up to
/// a minute and a half, telling the page when one appears, so thumbnails pop in as they are made.
/// </summary>
public sealed class ThumbnailWatch(ThumbnailQueue queue, TimeProvider clock) : IDisposable
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1.5);
    private const int MaxPolls = 60;

    private IReadOnlyDictionary<string, ThumbnailState> _states = new Dictionary<string, ThumbnailState>();
    private CancellationTokenSource? _polling;

    /// <summary>Whether the file's thumbnail can be shown now.</summary>
    public bool IsReady(FileItem file) => _states.TryGetValue(file.Sha256, out var state) && state == ThumbnailState.Ready;

    /// <summary>Starts watching these files (forgetting the page before); <paramref name="changed"/> runs when a thumbnail appears.</summary>
    public async Task WatchAsync(IEnumerable<FileItem> files, Func<Task> changed, CancellationToken cancellationToken = default)
    {
        _polling?.Cancel();
        var wanted = files.Where(f => ThumbnailMaker.MayHaveThumbnail(f.Name, f.ContentType)).Select(f => f.Sha256).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            _states = new Dictionary<string, ThumbnailState>();
            return;
        }

        _states = await queue.StatesAsync(wanted, cancellationToken);
        var missing = wanted.Where(sha => !_states.ContainsKey(sha)).ToList();
        if (missing.Count > 0)
        {
            await queue.RequestAsync(missing, cancellationToken);
            _states = await queue.StatesAsync(wanted, cancellationToken);
        }

        if (_states.Values.Any(s => s == ThumbnailState.Pending))
        {
            _polling = new CancellationTokenSource();
            _ = PollAsync(wanted, changed, _polling.Token);
        }
    }

    private async Task PollAsync(List<string> wanted, Func<Task> changed, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(PollEvery, clock);
            for (var poll = 0; poll < MaxPolls && await timer.WaitForNextTickAsync(cancellationToken); poll++)
            {
                var states = await queue.StatesAsync(wanted, cancellationToken);
                var appeared = states.Count(s => s.Value == ThumbnailState.Ready) != _states.Count(s => s.Value == ThumbnailState.Ready);
                _states = states;
                if (appeared)
                {
                    await changed();
                }

                if (!states.Values.Any(s => s == ThumbnailState.Pending))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or ObjectDisposedException)
        {
            // The page keeps its icons; the next listing asks again.
        }
    }

    public void Dispose() => _polling?.Cancel();
}
