using Microsoft.JSInterop;

namespace BlazorVault.Files;

/// <summary>The browser's time zone, asked once per page over JS interop (the server's own zone is not the viewer's).</summary>
public static class BrowserTimeZone
{
    public static async Task<TimeZoneInfo?> FindAsync(IJSRuntime js)
    {
        ArgumentNullException.ThrowIfNull(js);
        try
        {
            await using var module = await js.InvokeAsync<IJSObjectReference>("import", "./Files/Dashboard.razor.js");
            var id = await module.InvokeAsync<string?>("timeZone");
            return !string.IsNullOrEmpty(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or TaskCanceledException)
        {
            // Dates then show in the server's zone: worse, but still correct and readable.
            return null;
        }
    }
}
