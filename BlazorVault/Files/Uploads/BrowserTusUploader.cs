using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;

namespace BlazorVault.Files.Uploads;

/// <summary>
/// Sends a file chosen in the dashboard's InputFile over HTTP with tus (<c>wwwroot/js/tus-upload.js</c>),
/// since the circuit moves only ~6-7 MB/s. The circuit carries only progress and the outcome; the bytes
/// end in the same <see cref="FileService"/> commit as every upload. Scoped: one per circuit.
/// </summary>
public sealed class BrowserTusUploader(
    IJSRuntime js,
    AntiforgeryStateProvider antiforgery,
    IOptions<UploadOptions> options,
    FileService files) : IAsyncDisposable
{
    private const string ModulePath = "./js/tus-upload.js";
    private static readonly TimeSpan ImportRetryDelay = TimeSpan.FromMilliseconds(500);

    private IJSObjectReference? _module;

    /// <summary>Files at least this large go over HTTP.</summary>
    public long ThresholdBytes => options.Value.BrowserThresholdBytes;

    /// <summary>
    /// Uploads file <paramref name="index"/> of <paramref name="input"/>'s list; ends with the stored file,
    /// or throws <see cref="HttpUploadException"/> with a message for people, or OperationCanceledException.
    /// </summary>
    public async Task<FileItem> UploadAsync(
        string ownerId, ElementReference input, int index, Placement placement, Action<int> started, IProgress<long> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(started);
        ArgumentNullException.ThrowIfNull(placement);
        var token = antiforgery.GetAntiforgeryToken()?.Value
            ?? throw new HttpUploadException("The page has no antiforgery token; reload it and try again.");
        _module ??= await ImportModuleAsync(cancellationToken);
        var callbacks = new Callbacks(progress);
        using var reference = DotNetObjectReference.Create(callbacks);
        // The placement travels as tus metadata; the server applies it when the last byte arrives.
        var settings = new
        {
            endpoint = "api/uploads",
            chunkSize = options.Value.BrowserChunkBytes,
            token,
            folderId = placement.FolderId?.ToString(),
            relativePath = placement.RelativePath,
            conflict = placement.Conflict.ToString().ToLowerInvariant(),
        };
        var handle = await _module.InvokeAsync<int>("start", cancellationToken, input, index, settings, reference);
        started(handle);
        var module = _module;
        await using (cancellationToken.Register(() =>
        {
            callbacks.Outcome.TrySetCanceled(cancellationToken);
            // Fire and forget: the script aborts the request and deletes the upload on its own.
            _ = module.InvokeVoidAsync("cancel", handle).AsTask().ContinueWith(_ => { }, TaskScheduler.Default);
        }))
        {
            var fileId = await callbacks.Outcome.Task;
            return await files.GetAsync(ownerId, fileId, CancellationToken.None)
                ?? throw new HttpUploadException("The file was stored but is gone again.");
        }
    }

    /// <summary>The script, asked for twice: a module fetch that fails once (a dropped connection) must not fail the upload.</summary>
    private async Task<IJSObjectReference> ImportModuleAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await js.InvokeAsync<IJSObjectReference>("import", cancellationToken, ModulePath);
        }
        catch (JSException)
        {
            // Another URL: a browser may keep a failed module fetch in its module map for the page.
            await Task.Delay(ImportRetryDelay, cancellationToken);
            return await js.InvokeAsync<IJSObjectReference>("import", cancellationToken, ModulePath + "?retry");
        }
    }

    public async Task PauseAsync(int handle)
    {
        if (_module is not null)
        {
            await _module.InvokeVoidAsync("pause", handle);
        }
    }

    public async Task ResumeAsync(int handle)
    {
        if (_module is not null)
        {
            await _module.InvokeVoidAsync("resume", handle);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone and the module with it.
            }
        }
    }

    /// <summary>What the script calls back; JS interop invokes it on the circuit's context.</summary>
    private sealed class Callbacks(IProgress<long> progress)
    {
        public TaskCompletionSource<Guid> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        [JSInvokable]
        public void Progress(long bytes) => progress.Report(bytes);

        [JSInvokable]
        public void Completed(string fileId)
        {
            if (Guid.TryParse(fileId, out var id))
            {
                Outcome.TrySetResult(id);
            }
            else
            {
                Outcome.TrySetException(new HttpUploadException("The server did not say which file it stored."));
            }
        }

        [JSInvokable]
        public void Failed(string message) => Outcome.TrySetException(new HttpUploadException(message));
    }
}

public sealed class HttpUploadException(string message) : Exception(message);
