using System.Security.Claims;
using BlazorVault.Accounts;
using BlazorVault.Accounts.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BlazorVault.Files.Thumbnails;

/// <summary>
/// A file's thumbnail, to its owner only: <c>/api/files/{id}/thumbnail</c> with a bearer token and
/// <c>/thumbnail/{id}</c> with the session cookie (the dashboard's images). With <c>v</c> set to the
/// content's hash the URL names one content for ever, and the answer may be cached for a year; without it
/// the ETag revalidates. A thumbnail that is not made yet is asked for and answered 404 with Retry-After.
/// </summary>
public static class ThumbnailEndpoints
{
    public static IEndpointRouteBuilder MapThumbnailEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/files/{id:guid}/thumbnail", Get)
            .RequireAuthorization(AccountsExtensions.ApiPolicy)
            .WithTags("Files")
            .RequireScope(ApiScopes.Read).WithName("GetThumbnail")
            .WithSummary("A WebP thumbnail of an image file: size=list (128 px) or grid (480 px); 404 with Retry-After while it is being made.")
            .Produces(StatusCodes.Status200OK, contentType: "image/webp")
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapGet("/thumbnail/{id:guid}", Get)
            .RequireAuthorization()
            .ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>The dashboard's URL of a file's thumbnail, which names its content.</summary>
    public static string UrlOf(FileItem file, ThumbnailSize size) =>
        $"/thumbnail/{file.Id}?size={(size == ThumbnailSize.List ? "list" : "grid")}&v={file.Sha256}";

    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult, ValidationProblem>> Get(
        Guid id, string? size, string? v, ClaimsPrincipal user, HttpContext http,
        FileService files, ThumbnailQueue thumbnails, IOptions<ThumbnailOptions> options, CancellationToken cancellationToken) =>
        await AnswerAsync(await files.GetAsync(user.GetRequiredUserId(), id, cancellationToken), size, v, http, thumbnails, options.Value, cancellationToken);

    /// <summary>
    /// The thumbnail answer for a file the caller may see (null: 404), in <paramref name="size"/> (list or grid),
    /// cacheable for a year when <paramref name="v"/> names its content: the owner's routes and share links alike.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult, ValidationProblem>> AnswerAsync(
        FileItem? file, string? size, string? v, HttpContext http, ThumbnailQueue thumbnails, ThumbnailOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(thumbnails);
        ArgumentNullException.ThrowIfNull(options);
        ThumbnailSize? wanted = size?.ToLowerInvariant() switch
        {
            null or "" or "list" => ThumbnailSize.List,
            "grid" => ThumbnailSize.Grid,
            _ => null,
        };
        if (wanted is not { } thumbnailSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["size"] = ["Use list or grid."] });
        }

        if (file is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: "No such file.");
        }

        if (!options.Enabled || !ThumbnailMaker.MayHaveThumbnail(file.Name, file.ContentType))
        {
            return NoThumbnail();
        }

        var found = await thumbnails.GetAsync(file.Sha256, thumbnailSize, cancellationToken);
        if (found is not (ThumbnailState.Ready, { } bytes))
        {
            if (found is (ThumbnailState.Failed, _))
            {
                return NoThumbnail();
            }

            if (found is null)
            {
                await thumbnails.RequestAsync([file.Sha256], cancellationToken);
            }

            http.Response.Headers.RetryAfter = "2";
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: "The thumbnail is being made; ask again shortly.");
        }

        var headers = http.Response.Headers;
        var etag = new EntityTagHeaderValue($"\"{file.Sha256[..32]}-{thumbnailSize.ToString().ToLowerInvariant()}\"");
        headers.ETag = etag.ToString();
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = string.Equals(v, file.Sha256, StringComparison.OrdinalIgnoreCase)
            ? "private, max-age=31536000, immutable"
            : "private, no-cache";
        if (DownloadRequest.From(http.Request).IfNoneMatch is { } candidates && DownloadRequest.Matches(candidates, etag, strong: false))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.File(bytes, "image/webp");
    }

    private static ProblemHttpResult NoThumbnail() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: "This file has no thumbnail; show its icon.");
}
