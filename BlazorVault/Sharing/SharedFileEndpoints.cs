using BlazorVault.Files;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace BlazorVault.Sharing;

/// <summary>The public side of share links: downloads by anyone holding a valid link.</summary>
internal static class SharedFileEndpoints
{
    public const string RateLimitPolicy = "share";

    public static void AddShareRateLimit(RateLimiterOptions options) =>
        options.AddPolicy(RateLimitPolicy, context =>
        {
            var permits = context.RequestServices.GetRequiredService<IOptions<ShareOptions>>().Value.PermitsPerMinute;
            return ClientRateLimits.PerMinute(context, permits);
        });

    public static IEndpointRouteBuilder MapSharedFileDownload(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/s/{token}/download", [HttpMethods.Get, HttpMethods.Head], Download)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicy)
            .WithTags("Share links")
            .WithName("DownloadSharedFile");
        return endpoints;
    }

    public static async Task<Results<FileDownloadResult, NotFound>> Download(
        string token, HttpRequest request, ShareLinkService links, CancellationToken cancellationToken)
    {
        var content = await links.RedeemAsync(token, KindOf(request), cancellationToken);
        // Every kind of failure is the same 404: no oracle for guessing or probing links.
        return content is null ? TypedResults.NotFound() : FileDownload.Create(content);
    }

    /// <summary>
    /// HEAD only asks; a Range request whose ranges all start past byte 0 continues a download already
    /// counted; anything else (no Range, a garbage Range that is ignored, or one from byte 0) is new.
    /// </summary>
    internal static ShareRequestKind KindOf(HttpRequest request)
    {
        if (HttpMethods.IsHead(request.Method))
        {
            return ShareRequestKind.HeadersOnly;
        }

        var range = request.GetTypedHeaders().Range;
        if (range is null || !"bytes".Equals(range.Unit.Value, StringComparison.OrdinalIgnoreCase) || range.Ranges.Count == 0)
        {
            return ShareRequestKind.NewDownload;
        }

        return range.Ranges.All(r => r.From is > 0) ? ShareRequestKind.Continuation : ShareRequestKind.NewDownload;
    }
}
