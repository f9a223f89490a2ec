using BlazorVault.Files.Uploads;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;

namespace BlazorVault.Files;

/// <summary>
/// Uploads the files chosen in one circuit strictly one after another, because InputFile cannot read
/// two files at once over one circuit ("Concurrent reads or writes are not supported"). Each file
/// fails or succeeds on its own. Scoped: one queue per circuit. Every member is meant to be called on
/// the renderer's synchronization context, as component event handlers are.
/// </summary>
public sealed class UploadQueue(
    FileService files,
    IOptions<VaultOptions> options,
    TimeProvider clock,
    ILogger<UploadQueue> logger) : IDisposable
{
    /// <summary>Progress re-renders at most this often, so rendering does not slow the transfer.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    private readonly List<UploadItem> _items = [];
    private bool _pumping;
    private long _lastProgressSignal;

    /// <summary>Something visible changed (state or throttled progress).</summary>
    public event Action? Changed;

    /// <summary>An item ended (stored, failed or cancelled).</summary>
    public event Func<UploadItem, Task>? Finished;

    public IReadOnlyList<UploadItem> Items => _items;

    /// <summary>True while a file is waiting or being read: its browser-side input must stay in the page.</summary>
    public bool IsBusy => _items.Exists(i => !i.IsFinished);

    public long MaxUploadBytes => options.Value.MaxUploadBytes;

    /// <summary>
    /// The HTTP (tus) path for large files, set by the page that renders the file inputs; without it
    /// every file goes through the circuit.
    /// </summary>
    public BrowserTusUploader? Http { get; set; }

    /// <summary>
    /// Adds the files to the queue, failing at once those that cannot fit, and returns the task that
    /// runs the queue until it is empty (already running when this was a second batch).
    /// </summary>
    public Task EnqueueAsync(string ownerId, IReadOnlyList<IBrowserFile> chosen) => EnqueueAsync(ownerId, chosen, null);

    /// <inheritdoc cref="EnqueueAsync(string, IReadOnlyList{IBrowserFile})"/>
    /// <param name="input">The InputFile element holding <paramref name="chosen"/> in the same order; large files then go over HTTP.</param>
    public Task EnqueueAsync(string ownerId, IReadOnlyList<IBrowserFile> chosen, ElementReference? input) =>
        EnqueueAsync(ownerId, new UploadBatch(chosen, input, Placement.Root));

    /// <inheritdoc cref="EnqueueAsync(string, IReadOnlyList{IBrowserFile})"/>
    public async Task EnqueueAsync(string ownerId, UploadBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        var chosen = batch.Files;
        var usage = await files.GetUsageAsync(ownerId);
        var remaining = usage.QuotaBytes - usage.UsedBytes - _items.Where(i => !i.IsFinished).Sum(i => i.Size);
        var added = new List<UploadItem>();
        for (var index = 0; index < chosen.Count; index++)
        {
            if (batch.Skip?.Contains(index) == true)
            {
                continue;
            }

            var file = chosen[index];
            var item = new UploadItem(file, clock, batch.Input, index, batch.PlacementOf(index));
            _items.Add(item);
            if (PreCheck(file, remaining) is { } error)
            {
                item.Fail(error);
                added.Add(item);
                continue;
            }

            remaining -= file.Size;
        }

        Changed?.Invoke();
        foreach (var failed in added)
        {
            await RaiseFinishedAsync(failed);
        }

        if (!_pumping)
        {
            _pumping = true;
            try
            {
                await PumpAsync(ownerId);
            }
            finally
            {
                _pumping = false;
            }
        }
    }

    public void Cancel(UploadItem item)
    {
        if (item.IsFinished)
        {
            return;
        }

        if (item.State == UploadState.Waiting)
        {
            item.MarkCancelled();
            Changed?.Invoke();
        }

        // An upload in flight ends in its own catch, which records the state.
        item.Cancellation.Cancel();
    }

    public async Task PauseAsync(UploadItem item)
    {
        if (item.CanPause && Http is { } http)
        {
            item.SetPaused(true);
            Changed?.Invoke();
            await http.PauseAsync(item.HttpHandle!.Value);
        }
    }

    public async Task ResumeAsync(UploadItem item)
    {
        if (item.CanResume && Http is { } http)
        {
            item.SetPaused(false);
            Changed?.Invoke();
            await http.ResumeAsync(item.HttpHandle!.Value);
        }
    }

    public void CancelAll()
    {
        foreach (var item in _items.ToList())
        {
            Cancel(item);
        }
    }

    /// <summary>Takes one finished item (a failure read and dismissed) off the list.</summary>
    public void Dismiss(UploadItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.IsFinished && _items.Remove(item))
        {
            item.Cancellation.Dispose();
            Changed?.Invoke();
        }
    }

    public void ClearFinished()
    {
        foreach (var item in _items.Where(i => i.IsFinished).ToList())
        {
            item.Cancellation.Dispose();
            _items.Remove(item);
        }

        Changed?.Invoke();
    }

    public void Dispose()
    {
        CancelAll();
    }

    private string? PreCheck(IBrowserFile file, long remainingBytes)
    {
        if (FileNames.Sanitize(file.Name) is null)
        {
            return "This file name cannot be used.";
        }

        if (file.Size > MaxUploadBytes)
        {
            var (size, limit) = SizesApart(file.Size, MaxUploadBytes);
            return $"Too large: {size}, the limit is {limit} per file.";
        }

        if (file.Size > remainingBytes)
        {
            var (needs, left) = SizesApart(file.Size, Math.Max(0, remainingBytes));
            return $"Not enough space: needs {needs}, {left} left.";
        }

        return null;
    }

    /// <summary>
    /// Two sizes shown side by side that must not read the same when they differ ("needs 4.8 MB,
    /// 4.8 MB left"): then both in exact bytes.
    /// </summary>
    internal static (string First, string Second) SizesApart(long first, long second)
    {
        var (a, b) = (FileDisplay.Size(first), FileDisplay.Size(second));
        return a == b && first != second
            ? (first.ToString("N0", System.Globalization.CultureInfo.CurrentCulture) + " bytes",
               second.ToString("N0", System.Globalization.CultureInfo.CurrentCulture) + " bytes")
            : (a, b);
    }

    private async Task PumpAsync(string ownerId)
    {
        while (_items.Find(i => i.State == UploadState.Waiting) is { } item)
        {
            await UploadOneAsync(ownerId, item);
            await RaiseFinishedAsync(item);
        }
    }

    private async Task UploadOneAsync(string ownerId, UploadItem item)
    {
        var token = item.Cancellation.Token;
        item.Start();
        Changed?.Invoke();
        try
        {
            // Earlier files of the batch have used space since it was queued.
            if (await files.AdmitAsync(ownerId, item.File.Name, item.Size, token, item.Placement) is Admission.Refused refused)
            {
                item.Fail(UploadRefusals.Message(refused.Reason));
                return;
            }

            if (Http is { } http && item.Input is { } input && item.Size >= http.ThresholdBytes)
            {
                // Large files: the browser sends the bytes over HTTP, far faster than the circuit.
                item.UseHttp();
                item.Succeed(await http.UploadAsync(ownerId, input, item.InputIndex, item.Placement, handle => item.HttpHandle = handle, new ItemProgress(item, this), token));
                return;
            }

            // Streamed straight into the blob store: the file is never held in memory here.
            await using var content = item.File.OpenReadStream(MaxUploadBytes, token);
            var result = await files.UploadAsync(ownerId, item.File.Name, item.File.ContentType, content, new ItemProgress(item, this), token, placement: item.Placement);
            switch (result)
            {
                case UploadResult.Stored stored:
                    item.Succeed(stored.File);
                    break;
                default:
                    item.Fail(UploadRefusals.Message(result));
                    break;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            item.MarkCancelled();
        }
        catch (HttpUploadException e)
        {
            item.Fail(e.Message);
        }
#pragma warning disable CA1031 // One file's failure (a dropped connection, a full disk) must not stop the rest of the queue.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning(e, "Upload of {Name} failed", item.Name);
            item.Fail("The upload was interrupted. Try again.");
        }
        finally
        {
            Changed?.Invoke();
        }
    }

    private async Task RaiseFinishedAsync(UploadItem item)
    {
        if (Finished is { } handler)
        {
            await handler(item);
        }
    }

    private void OnProgress()
    {
        if (_lastProgressSignal != 0 && clock.GetElapsedTime(_lastProgressSignal) < ProgressInterval)
        {
            return;
        }

        _lastProgressSignal = clock.GetTimestamp();
        Changed?.Invoke();
    }

    private sealed class ItemProgress(UploadItem item, UploadQueue queue) : IProgress<long>
    {
        public void Report(long value)
        {
            item.ReportBytes(value);
            queue.OnProgress();
        }
    }
}

/// <summary>Files chosen in one InputFile, with its element so that a script can read them too (the HTTP path).</summary>
/// <param name="RelativePaths">For a chosen or dropped folder, each file's path below the place it goes ("Photos/2026/a.jpg"), in the same order.</param>
public sealed record ChosenFiles(IReadOnlyList<IBrowserFile> Files, ElementReference? Input, IReadOnlyList<string>? RelativePaths = null);

/// <summary>Files to upload together: where they go, and which of them (by index) to leave out.</summary>
public sealed record UploadBatch(
    IReadOnlyList<IBrowserFile> Files, ElementReference? Input, Placement Target,
    IReadOnlyList<string>? RelativePaths = null, IReadOnlySet<int>? Skip = null)
{
    /// <summary>The target with the folders of file <paramref name="index"/>'s relative path below it.</summary>
    public Placement PlacementOf(int index)
    {
        ArgumentNullException.ThrowIfNull(Target);
        if (RelativePaths is null || index >= RelativePaths.Count)
        {
            return Target;
        }

        var path = RelativePaths[index].Replace('\\', '/');
        var slash = path.LastIndexOf('/');
        return Target with { RelativePath = slash > 0 ? path[..slash] : null };
    }
}
