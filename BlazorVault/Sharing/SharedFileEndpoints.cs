using BlazorVault.Files;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace BlazorVault.Sharing;

/// <summary>The public side of share links: downloads by anyone holding a valid link.</summary>
internal static class SharedFileEndpoints
{
    public const string RateLimitPolicy = "share";

    /// <summary>For a folder link's thumbnails: each page of a shared folder of photos asks for up to 50 at once.</summary>
    public const string ThumbnailRateLimitPolicy = "share-thumbnails";

    public static void AddShareRateLimit(RateLimiterOptions options)
    {
        ClientRateLimits.AnswerRefusals(options);
        options.AddPolicy(RateLimitPolicy, context =>
        {
            var settings = context.RequestServices.GetRequiredService<IOptions<ShareOptions>>().Value;
            // A form posted to a link's page is a password try: few per address and link (ShareOptions.PasswordTriesPerAddress).
            // (A file request's upload creation is a POST too, but no password try.)
            return HttpMethods.IsPost(context.Request.Method) && context.Request.RouteValues.TryGetValue("link", out var link)
                && !context.Request.Path.Value!.TrimEnd('/').EndsWith("/uploads", StringComparison.Ordinal)
                ? PasswordTries(context, link as string ?? "", settings)
                : ClientRateLimits.PerMinute(context, settings.PermitsPerMinute);
        });
        // Thumbnails of a folder link's files: a window of their own per address (ShareOptions.ThumbnailPermitsPerMinute).
        options.AddPolicy(ThumbnailRateLimitPolicy, context => ClientRateLimits.PerMinute(
            context, context.RequestServices.GetRequiredService<IOptions<ShareOptions>>().Value.ThumbnailPermitsPerMinute));
    }

    /// <summary>
    /// Per client address and link, a sliding window as long as the link's pause: in any stretch of that length
    /// one address gets at most twice its limit through, less than what pauses the link (checked at start).
    /// </summary>
    private static RateLimitPartition<string> PasswordTries(HttpContext context, string link, ShareOptions settings) =>
        RateLimitPartition.GetSlidingWindowLimiter(
            $"password:{context.Connection.RemoteIpAddress}:{link}",
            _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = settings.PasswordTriesPerAddress,
                Window = settings.PasswordPause,
                SegmentsPerWindow = 5,
                QueueLimit = 0,
            });

    public static IEndpointRouteBuilder MapSharedFileDownload(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/s/{link}/download", [HttpMethods.Get, HttpMethods.Head], Download)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicy)
            .WithTags("Share links")
            .WithName("DownloadSharedFile");
        return endpoints;
    }

    /// <summary>
    /// A short link's download (<c>/s/{id}/download</c>) checks the link and redirects to itself with a freshly
    /// minted, short-lived grant (<c>?token=</c>), which is what serves the bytes; an old link's URL carries its
    /// own token (<c>/s/{token}/download</c>) and serves them directly.
    /// </summary>
    public static async Task<Results<LoggedDownload, RedirectHttpResult, NotFound>> Download(
        string link, [FromQuery] string? token, HttpContext context, ShareLinkService links, ShareAccessLog accessLog, IOptions<ShareOptions> options,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var client = ShareClient.From(context);
        string? publicId = null;
        if (ShareLinkService.IsPublicId(link))
        {
            publicId = link;
            if (string.IsNullOrEmpty(token))
            {
                var grant = await links.GrantDownloadAsync(link, DownloadRequest.From(request), client, cancellationToken);
                if (grant is null)
                {
                    return TypedResults.NotFound();
                }

                // The grant is fresh for this client: no cache may keep or hand it to anyone else.
                context.Response.Headers.CacheControl = "no-store";
                return TypedResults.Redirect($"{request.PathBase}/s/{link}/download?token={Uri.EscapeDataString(grant)}");
            }
        }
        else
        {
            token = link;
        }

        var download = await links.RedeemAsync(token, DownloadRequest.From(request), client, publicId, cancellationToken);
        if (download is null)
        {
            // Every kind of failure is the same 404: no oracle for guessing or probing links.
            return TypedResults.NotFound();
        }

        GiveResumeCookie(context, download, options.Value);
        return new LoggedDownload(FileDownload.Create(download.Content, download.Plan), download, client, accessLog);
    }

    /// <summary>The cookie that lets the client of a counted download resume it (<see cref="ShareResumeGrant"/>).</summary>
    public const string ResumeCookie = ShareClient.ResumeCookie;

    /// <summary>Hands the client of a counted download its resume secret, scoped to this download's path, so that it goes back only with this link's Range requests for it.</summary>
    internal static void GiveResumeCookie(HttpContext context, RedeemedDownload download, ShareOptions options)
    {
        if (download.ResumeSecret is not { } secret)
        {
            return;
        }

        var request = context.Request;
        context.Response.Cookies.Append(ResumeCookie, secret, new CookieOptions
        {
            Path = $"{request.PathBase}{request.Path}",
            HttpOnly = true,
            Secure = request.IsHttps,
            SameSite = SameSiteMode.Lax,
            MaxAge = options.ResumeWindow,
            IsEssential = true,
        });
    }
}
