using Microsoft.Extensions.Options;

namespace BlazorVault.Sharing;

/// <summary>
/// The absolute URL of a link's public page: under <c>Vault:PublicBaseUrl</c> when it is set, else under the
/// address the owner reached the app by (behind a proxy, as its forwarded headers tell, see <see cref="ForwardedHeaders"/>).
/// </summary>
public sealed class ShareUrls(IOptions<VaultOptions> options)
{
    public string Of(ShareLinkInfo link, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(request);
        return Under(options.Value.PublicBaseUrl ?? $"{request.Scheme}://{request.Host}{request.PathBase}/", link);
    }

    /// <param name="link">The link.</param>
    /// <param name="baseUri">The app's base URI as the viewer's browser has it (<c>NavigationManager.BaseUri</c>).</param>
    public string Of(ShareLinkInfo link, string baseUri)
    {
        ArgumentNullException.ThrowIfNull(link);
        return Under(options.Value.PublicBaseUrl ?? baseUri, link);
    }

    private static string Under(string baseUrl, ShareLinkInfo link) => $"{baseUrl.TrimEnd('/')}/s/{link.PublicId}";
}
