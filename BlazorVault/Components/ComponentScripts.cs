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
}
