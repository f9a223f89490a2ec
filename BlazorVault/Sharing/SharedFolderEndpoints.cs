using System.Security.Claims;
using BlazorVault.Accounts;
using BlazorVault.Accounts.Tokens;
using BlazorVault.Files;
using BlazorVault.Files.Thumbnails;
using BlazorVault.Files.Tree;
using BlazorVault.Files.Viewing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace BlazorVault.Sharing;

/// <summary>
/// Folder links: the owner's API to create and list them, and the public routes under <c>/s/{link}</c> for the files
/// of the shared tree (download, view, thumbnail) and its ZIP. Every route checks the link, its password's proof
/// and that each id lies inside the shared folder; every refusal is the same 404.
/// </summary>
internal static class SharedFolderEndpoints
{
    public static IEndpointRouteBuilder MapSharedFolders(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/folders")
            .RequireAuthorization(AccountsExtensions.ApiPolicy)
            .DisableAntiforgery()
            .WithTags("Share links");
        api.MapPost("/{id:guid}/links", CreateLink).RequireScope(ApiScopes.Share).WithName("CreateFolderShareLink")
            .WithSummary("Creates a read-only link to a folder's tree: visitors browse it, download its files and ZIPs of it.")
            .ProducesValidationProblem();
        api.MapGet("/{id:guid}/links", ListLinks).RequireScope(ApiScopes.Share).WithName("ListFolderShareLinks")
            .WithSummary("A folder's links that were not revoked, newest first.");

        endpoints.MapMethods("/s/{link}/files/{fileId:guid}/download", [HttpMethods.Get, HttpMethods.Head], Download)
            .AllowAnonymous()
            .RequireRateLimiting(SharedFileEndpoints.RateLimitPolicy)
            .WithTags("Share links")
            .WithName("DownloadSharedFolderFile")
            .WithSummary("A file of a folder link's tree: redirects to itself with a short-lived grant, which serves the bytes (ranges, resumable).");
        endpoints.MapMethods("/s/{link}/zip", [HttpMethods.Get, HttpMethods.Head], Zip)
            .AllowAnonymous()
            .RequireRateLimiting(SharedFileEndpoints.RateLimitPolicy)
            .WithTags("Share links")
            .WithName("DownloadSharedFolderZip")
            .WithSummary("A folder link's whole folder, or the chosen folders and files of its tree (folder=, file=), as one ZIP, streamed; one download.")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status404NotFound);
        endpoints.MapMethods("/s/{link}/files/{fileId:guid}/view", [HttpMethods.Get, HttpMethods.Head], View)
            .AllowAnonymous()
            .RequireRateLimiting(SharedFileEndpoints.RateLimitPolicy)
            .ExcludeFromDescription();
        endpoints.MapGet("/s/{link}/files/{fileId:guid}/thumbnail", Thumbnail)
            .AllowAnonymous()
            .RequireRateLimiting(SharedFileEndpoints.ThumbnailRateLimitPolicy)
            .ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>The page's URLs (relative to the base) for a folder link's entries.</summary>
    public static string FolderUrl(string link, Guid? folderId, int page = 1) =>
        $"s/{Uri.EscapeDataString(link)}" + (folderId is { } id ? $"/f/{id}" : "") + (page > 1 ? $"?page={page}" : "");

    public static string DownloadUrl(string link, Guid fileId) => $"s/{Uri.EscapeDataString(link)}/files/{fileId}/download";

    public static string ViewUrl(string link, Guid fileId) => $"s/{Uri.EscapeDataString(link)}/files/{fileId}/view";

    public static string ThumbnailUrl(string link, FileItem file, ThumbnailSize size) =>
        $"s/{Uri.EscapeDataString(link)}/files/{file.Id}/thumbnail?size={(size == ThumbnailSize.List ? "list" : "grid")}&v={file.Sha256}";

    public static string ZipUrl(string link, Guid? folderId = null) =>
        $"s/{Uri.EscapeDataString(link)}/zip" + (folderId is { } id ? $"?folder={id}" : "");

    private static async Task<Results<Created<LinkResponse>, NotFound, ValidationProblem>> CreateLink(
        Guid id, CreateLinkRequest? request, ClaimsPrincipal user, ShareLinkService links, ShareUrls urls, HttpRequest http, CancellationToken cancellationToken)
    {
        TimeSpan? lifetime = null;
        if (request?.ExpiresInHours is { } hours)
        {
            if (ShareEndpoints.HoursProblem(hours) is { } problem)
            {
                return problem;
            }

            lifetime = TimeSpan.FromHours(hours);
        }

        return await links.CreateFolderLinkAsync(user.GetUserId()!, id, lifetime, request?.MaxDownloads, request?.Password, cancellationToken) switch
        {
            CreateLinkResult.Created created => TypedResults.Created($"/api/folders/{id}/links", ShareEndpoints.ToResponse(created.Link, urls, http)),
            CreateLinkResult.Invalid invalid => ShareEndpoints.Invalid(invalid.Field, invalid.Message),
            _ => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<Ok<LinkResponse[]>, NotFound>> ListLinks(
        Guid id, ClaimsPrincipal user, ShareLinkService links, ShareUrls urls, HttpRequest http, CancellationToken cancellationToken)
    {
        var listed = await links.ListFolderLinksAsync(user.GetUserId()!, id, cancellationToken);
        return listed is null ? TypedResults.NotFound() : TypedResults.Ok(listed.Select(l => ShareEndpoints.ToResponse(l, urls, http)).ToArray());
    }

    /// <summary>As a file link's download (<see cref="SharedFileEndpoints.Download"/>): checks, a grant, then the bytes by the grant, counted the same way.</summary>
    private static async Task<Results<LoggedDownload, RedirectHttpResult, NotFound>> Download(
        string link, Guid fileId, [FromQuery] string? token, HttpContext context, ShareLinkService links, ShareAccessLog accessLog, IOptions<ShareOptions> options,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var client = ShareClient.From(context);
        if (string.IsNullOrEmpty(token))
        {
            var grant = await links.GrantFolderFileDownloadAsync(link, fileId, DownloadRequest.From(request), client, cancellationToken);
            if (grant is null)
            {
                return TypedResults.NotFound();
            }

            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Redirect($"{request.PathBase}/{DownloadUrl(link, fileId)}?token={Uri.EscapeDataString(grant)}");
        }

        var download = await links.RedeemFolderFileAsync(token, link, fileId, DownloadRequest.From(request), client, cancellationToken);
        if (download is null)
        {
            return TypedResults.NotFound();
        }

        SharedFileEndpoints.GiveResumeCookie(context, download, options.Value);

        return new LoggedDownload(FileDownload.Create(download.Content, download.Plan), download, client, accessLog);
    }

    private static async Task<Results<FileDownloadResult, NotFound>> View(
        string link, Guid fileId, HttpContext context, ShareLinkService links, FileService files, CancellationToken cancellationToken)
    {
        var file = await links.SharedFolderFileAsync(link, ShareClient.From(context).PasswordProof, fileId, forViewing: true, cancellationToken);
        // Only what the viewer can show: anything else goes through the counted download.
        if (file is null || InlineTypes.Of(file.Name, file.ContentType).Type is not { } type)
        {
            return TypedResults.NotFound();
        }

        return FileDownload.Inline(files.ContentOf(file), type);
    }

    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult, ValidationProblem>> Thumbnail(
        string link, Guid fileId, string? size, string? v, HttpContext context, ShareLinkService links, ThumbnailQueue thumbnails,
        IOptions<ThumbnailOptions> options, CancellationToken cancellationToken)
    {
        var file = await links.SharedFolderFileAsync(link, ShareClient.From(context).PasswordProof, fileId, forViewing: false, cancellationToken);
        return await ThumbnailEndpoints.AnswerAsync(file, size, v, context, thumbnails, options.Value, cancellationToken);
    }

    /// <param name="link">The folder link's public id.</param>
    /// <param name="folder">Folders of the tree to put in; with <paramref name="file"/> none, the whole shared folder.</param>
    /// <param name="file">Files of the tree to put in.</param>
    /// <param name="selection">Set by the page's "Download selected" button: then an empty choice is an error, not the whole folder.</param>
    /// <param name="context">The request.</param>
    /// <param name="links">The link checks.</param>
    /// <param name="zip">Plans and writes the ZIP.</param>
    /// <param name="accessLog">The link's access log.</param>
    private static async Task Zip(
        string link, [FromQuery] Guid[]? folder, [FromQuery] Guid[]? file, [FromQuery] string? selection,
        HttpContext context, ShareLinkService links, ZipDownload zip, ShareAccessLog accessLog)
    {
        folder ??= [];
        file ??= [];
        if (folder.Length + file.Length > ShareLinkService.MaxZipSelection)
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Too many entries chosen.",
                detail: $"A ZIP can name up to {ShareLinkService.MaxZipSelection} files and folders; choose a folder instead.").ExecuteAsync(context);
            return;
        }

        if (selection is not null && folder.Length + file.Length == 0)
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Nothing chosen.",
                detail: "Tick the files and folders to download first, or download the whole folder.").ExecuteAsync(context);
            return;
        }

        var client = ShareClient.From(context);
        var cancellationToken = context.RequestAborted;
        var shared = await links.CheckZipAsync(link, client.PasswordProof, folder, file, cancellationToken);
        var plan = shared is null ? null : await zip.PlanAsync(shared.OwnerId, shared.FolderIds, shared.FileIds, wholeDrive: false, cancellationToken);
        // HEAD sends no ZIP and counts nothing; a GET counts one download before its first byte, or is refused.
        if (shared is null || plan is null || (HttpMethods.IsGet(context.Request.Method) && !await links.CountZipAsync(shared, client)))
        {
            await TypedResults.NotFound().ExecuteAsync(context);
            return;
        }

        var response = context.Response;
        response.ContentType = "application/zip";
        response.Headers.ContentDisposition = FileDownload.ContentDisposition(plan.Name);
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "private, no-store";
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            return;
        }

        accessLog.Record(shared.LinkId, ShareAccessKind.DownloadStarted, client);
        // As the owner's ZIP (TreeEndpoints): built while sent, chunked, through a buffer that lets ZipArchive's few
        // synchronous writes through; counted on the way out for the access log.
        if (context.Features.Get<IHttpBodyControlFeature>() is { } bodyControl)
        {
            bodyControl.AllowSynchronousIO = true;
        }

        var counting = new LoggedDownload.CountingStream(response.Body);
        var completed = false;
        try
        {
            // Not disposed: that would dispose the response body under it.
            var buffered = new BufferedStream(counting, 256 * 1024);
            await zip.WriteAsync(plan, buffered, cancellationToken);
            await buffered.FlushAsync(cancellationToken);
            completed = !cancellationToken.IsCancellationRequested;
        }
        finally
        {
            accessLog.Record(shared.LinkId, completed ? ShareAccessKind.DownloadCompleted : ShareAccessKind.DownloadInterrupted, client, counting.Written);
        }
    }
}
