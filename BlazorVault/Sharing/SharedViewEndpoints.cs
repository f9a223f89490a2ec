using BlazorVault.Files;
using BlazorVault.Files.Thumbnails;
using BlazorVault.Files.Viewing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BlazorVault.Sharing;

/// <summary>
/// What a share link's page shows of its file: <c>/s/{link}/view</c> sends it inline, as the owner's viewer gets
/// it (type from the allow-list, sandboxed, not sniffable), and <c>/s/{link}/thumbnail</c> its preview image. The
/// same checks as the page (working link, the password's proof), and the same 404 for every refusal.
/// </summary>
internal static class SharedViewEndpoints
{
    public static IEndpointRouteBuilder MapSharedViews(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/s/{link}/view", [HttpMethods.Get, HttpMethods.Head], View)
            .AllowAnonymous()
            .RequireRateLimiting(SharedFileEndpoints.RateLimitPolicy)
            .ExcludeFromDescription();
        endpoints.MapGet("/s/{link}/thumbnail", Thumbnail)
            .AllowAnonymous()
            .RequireRateLimiting(SharedFileEndpoints.RateLimitPolicy)
            .ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>The page's URLs (relative to the base): the inline view, and the thumbnail naming its content.</summary>
    public static string ViewUrl(string link) => $"s/{Uri.EscapeDataString(link)}/view";

    public static string ThumbnailUrl(string link, FileItem file, ThumbnailSize size) =>
        $"s/{Uri.EscapeDataString(link)}/thumbnail?size={(size == ThumbnailSize.List ? "list" : "grid")}&v={file.Sha256}";

    private static async Task<Results<FileDownloadResult, NotFound>> View(string link, HttpContext context, ShareLinkService links, CancellationToken cancellationToken)
    {
        var content = await links.OpenForViewingAsync(link, ShareClient.From(context).PasswordProof, cancellationToken);
        // Only what the viewer can show: anything else goes through the counted download.
        if (content is null || InlineTypes.Of(content.File.Name, content.File.ContentType).Type is not { } type)
        {
            return TypedResults.NotFound();
        }

        return FileDownload.Inline(content, type);
    }

    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult, ValidationProblem>> Thumbnail(
        string link, string? size, string? v, HttpContext context, ShareLinkService links, ThumbnailQueue thumbnails,
        IOptions<ThumbnailOptions> options, CancellationToken cancellationToken)
    {
        var file = await links.PreviewOfAsync(link, ShareClient.From(context).PasswordProof, cancellationToken);
        return await ThumbnailEndpoints.AnswerAsync(file, size, v, context, thumbnails, options.Value, cancellationToken);
    }
}
