using BlazorVault.Files;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace BlazorVault.Sharing;

/// <summary>The public side of share links: downloads by anyone holding a valid link.</summary>
internal static class SharedFileEndpoints
{
    public const string RateLimitPolicy = "share";

    public static void AddShareRateLimit(RateLimiterOptions options)
    {
        ClientRateLimits.AnswerRefusals(options);
        options.AddPolicy(RateLimitPolicy, context =>
        {
            var permits = context.RequestServices.GetRequiredService<IOptions<ShareOptions>>().Value.PermitsPerMinute;
            return ClientRateLimits.PerMinute(context, permits);
        });
    }

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
    public static async Task<Results<FileDownloadResult, RedirectHttpResult, NotFound>> Download(
        string link, [FromQuery] string? token, HttpContext context, ShareLinkService links, IOptions<ShareOptions> options, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var client = new ShareClient(context.Connection.RemoteIpAddress?.ToString(), request.Cookies[ResumeCookie]);
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

        if (download.ResumeSecret is { } secret)
        {
            // Scoped to this link's download path, so it goes back only with this link's Range requests.
            context.Response.Cookies.Append(ResumeCookie, secret, new CookieOptions
            {
                Path = $"{request.PathBase}{request.Path}",
                HttpOnly = true,
                Secure = request.IsHttps,
                SameSite = SameSiteMode.Lax,
                MaxAge = options.Value.ResumeWindow,
                IsEssential = true,
            });
        }

        return FileDownload.Create(download.Content, download.Plan);
    }

    /// <summary>The cookie that lets the client of a counted download resume it (<see cref="ShareResumeGrant"/>).</summary>
    public const string ResumeCookie = "vault-resume";
}
