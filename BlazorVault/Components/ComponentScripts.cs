using Microsoft.JSInterop;

namespace BlazorVault.Components;

/// <summary>Loads a component's own script module (<c>Name.razor.js</c>).</summary>
public static class ComponentScripts
{
    /// <summary>
    /// The module, or null when the component was disposed while it loaded: then the module is disposed here,
    /// as nothing else would, and the caller must not use it (the page has moved on).
    /// </summary>
    public static async Task<IJSObjectReference?> ImportAsync(IJSRuntime js, string path, Func<bool> disposed)
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentNullException.ThrowIfNull(disposed);
        var module = await js.InvokeAsync<IJSObjectReference>("import", path);
        if (!disposed())
        {
            return module;
        }

        await module.DisposeAsync();
        return null;
    }

    /// <summary>
    /// Marks the page's body <c>data-circuit-ready</c> once the page answers clicks (browser tests wait for it). A circuit
    /// that went away meanwhile (the app shutting down under it, the tab closed) leaves the mark out, instead of ending
    /// with an unhandled error that the page would show.
    /// </summary>
    public static async Task MarkCircuitReadyAsync(IJSRuntime js)
    {
        ArgumentNullException.ThrowIfNull(js);
        try
        {
            await js.InvokeVoidAsync("document.body.setAttribute", "data-circuit-ready", "");
        }
        catch (JSDisconnectedException)
        {
            // Nothing to mark: the page reconnects to a new circuit, which marks it.
        }
    }
}
