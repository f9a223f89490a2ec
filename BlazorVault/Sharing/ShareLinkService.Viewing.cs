using BlazorVault.Files;

namespace BlazorVault.Sharing;

public sealed partial class ShareLinkService
{
    /// <summary>
    /// The shared file for its page's viewer (<c>/s/{link}/view</c>): only through a working link whose password,
    /// if it has one, the visitor proved, and only for a link without a download limit. A limited link's bytes
    /// leave only through counted downloads, or a viewer would be a way round the count. Not counted itself.
    /// </summary>
    public async Task<FileContent?> OpenForViewingAsync(string? link, string? proof, CancellationToken cancellationToken = default) =>
        // The page's own checks read the live file already: its bytes are opened from that row.
        await OpenAsync(link, proof, cancellationToken) is LinkPage.Open { Shared: { Link.MaxDownloads: null } shared }
            ? files.ContentOf(shared.File)
            : null;

    /// <summary>
    /// The shared file's metadata for its thumbnail (<c>/s/{link}/thumbnail</c>): any working link whose password, if any,
    /// was proven; a small preview image is not the file, so limited links show it too.
    /// </summary>
    public async Task<FileItem?> PreviewOfAsync(string? link, string? proof, CancellationToken cancellationToken = default) =>
        await OpenAsync(link, proof, cancellationToken) is LinkPage.Open { Shared: var shared } ? shared.File : null;
}
