using Microsoft.AspNetCore.Components;

namespace BlazorVault.Accounts;

internal sealed class IdentityRedirectManager(NavigationManager navigationManager)
{
    public void RedirectTo(string? uri) => navigationManager.NavigateTo(LocalUrl.OrHome(uri));
}

internal static class LocalUrl
{
    /// <summary>Returns <paramref name="url"/> when it is a path on this site, otherwise <c>/</c>.</summary>
    // Prevent open redirects: only "/path", never "//host", "/\host" or "scheme:".
    public static string OrHome(string? url) => IsLocal(url) ? url! : "/";

    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);
}
