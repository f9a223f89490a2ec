using System.ComponentModel;
using System.Globalization;
using System.Security.Claims;
using BlazorVault.Accounts;
using BlazorVault.Accounts.Tokens;
using BlazorVault.Files.Tree;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BlazorVault.Files;

public sealed record FileListResponse(IReadOnlyList<FileItem> Items, int Total, int Page, int PageSize);

/// <summary>
/// Files over HTTP: the bearer API under <c>/api/files</c> and the owner's cookie download.
/// Every handler goes through <see cref="FileService"/>, which decides ownership and limits;
/// a file that is not the caller's is 404, like one that does not exist.
/// </summary>
internal static class FileEndpoints
{
    public const int DefaultPageSize = 50;

    private const string Tag = "Files";

    // Room for multipart framing and small form fields around the one file, which FileService holds to MaxUploadBytes.
    private const long MultipartOverheadBytes = 1024 * 1024;

    private static readonly Dictionary<string, (FileSortColumn Column, bool Descending)> Sorts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = (FileSortColumn.Name, false),
        ["-name"] = (FileSortColumn.Name, true),
        ["size"] = (FileSortColumn.Size, false),
        ["-size"] = (FileSortColumn.Size, true),
        ["date"] = (FileSortColumn.Date, false),
        ["-date"] = (FileSortColumn.Date, true),
    };

    public static IEndpointRouteBuilder MapFileEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/files")
            .RequireAuthorization(AccountsExtensions.ApiPolicy)
            .WithTags(Tag);

        api.MapGet("/", List)
            .RequireScope(ApiScopes.Read).WithName("ListFiles")
            .WithSummary("Your files, one page at a time, optionally filtered by name and sorted.");
        api.MapPost("/", Upload)
            .RequireScope(ApiScopes.Write).WithName("UploadFile")
            .WithSummary("Stores the request body (?name= required) or the one file of a multipart/form-data body.")
            // Any media type: a raw body carries the file's own type. (Accepts metadata also filters requests.)
            .Accepts<Stream>(isOptional: true, "application/octet-stream", "multipart/form-data", "*/*")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status507InsufficientStorage)
            // Bearer tokens are not sent by browsers on their own, so there is no cross-site form to guard against.
            .DisableAntiforgery();
        api.MapGet("/{id:guid}", Get)
            .RequireScope(ApiScopes.Read).WithName("GetFile")
            .WithSummary("A file's metadata.");
        api.MapMethods("/{id:guid}/content", [HttpMethods.Get, HttpMethods.Head], Download)
            .RequireScope(ApiScopes.Read).WithName("DownloadFile")
            // The token's user row is joined to the file's: one statement per download, not two.
            .ChecksTokenUserInItsRead()
            .WithSummary("A file's bytes, with Range and If-None-Match support.");
        api.MapDelete("/{id:guid}", Delete)
            .RequireScope(ApiScopes.Write).WithName("DeleteFile")
            .WithSummary("Moves a file to the trash (restore or delete it for good under /api/trash).");

        // Without these a malformed id would find no endpoint at all; with them it is the same 404 as a missing file.
        api.MapGet("/{id}", MalformedId).RequireScope(ApiScopes.Read).ExcludeFromDescription();
        api.MapGet("/{id}/content", MalformedId).RequireScope(ApiScopes.Read).ExcludeFromDescription();
        api.MapDelete("/{id}", MalformedId).RequireScope(ApiScopes.Write).ExcludeFromDescription();

        // The browser's download: session cookie, so signed-out visitors are sent to /login like everywhere else.
        endpoints.MapMethods("/download/{id:guid}", [HttpMethods.Get, HttpMethods.Head], Download)
            .RequireAuthorization()
            // The session's statement reads the file's row too: one statement per download, not two.
            .ReadsTheOwnedFileWithTheSession()
            .ExcludeFromDescription();
        endpoints.MapGet("/download/{id}", MalformedId)
            .RequireAuthorization()
            .ExcludeFromDescription();

        return endpoints;
    }

    public static async Task<Results<Ok<FileListResponse>, ValidationProblem>> List(
        ClaimsPrincipal user,
        FileService files,
        [FromQuery, Description("Page number, from 1.")] string? page,
        [FromQuery, Description("Items per page, 1 to 500; default 50.")] string? pageSize,
        [FromQuery, Description("Part of the name, case-insensitive.")] string? q,
        [FromQuery, Description("name, -name, size, -size, date or -date (default -date: newest first).")] string? sort,
        CancellationToken cancellationToken)
    {
        if (!TryParseListQuery(page, pageSize, q, sort, out var query, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await files.ListAsync(OwnerId(user), query.Query, cancellationToken);
        return TypedResults.Ok(new FileListResponse(result.Items, result.Total, query.Page, query.Query.Take));
    }

    /// <summary>A page request of a listing; parsed here rather than bound as int so that a bad value is a problem body naming it, not a bare 400.</summary>
    internal static bool TryParseListQuery(
        string? page, string? pageSize, string? q, string? sort, out (FileQuery Query, int Page) query, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var pageNumber = ParseOrDefault(page, 1, 1, int.MaxValue, nameof(page), errors);
        var size = ParseOrDefault(pageSize, DefaultPageSize, 1, FileService.MaxPageSize, nameof(pageSize), errors);
        var order = (Column: FileSortColumn.Date, Descending: true);
        if (sort is not null && !Sorts.TryGetValue(sort, out order))
        {
            errors[nameof(sort)] = [$"Use one of {string.Join(", ", Sorts.Keys)}."];
        }

        var skip = ((long)pageNumber - 1) * size;
        if (errors.Count == 0 && skip > int.MaxValue)
        {
            errors[nameof(page)] = ["The page is beyond any possible result."];
        }

        query = (new FileQuery(q, order.Column, order.Descending, (int)Math.Min(skip, int.MaxValue), size), pageNumber);
        return errors.Count == 0;
    }

    public static async Task<Results<Created<FileItem>, ProblemHttpResult>> Upload(
        HttpContext context,
        FileService files,
        IOptions<VaultOptions> options,
        [FromQuery, Description("The file's name; required for a raw body, overrides a multipart part's own name.")] string? name,
        [FromQuery, Description("The folder to store it in; absent for the root.")] Guid? folderId,
        [FromQuery, Description("Folders below folderId to find or make first (\"Photos/2026\"): a folder upload recreating its tree.")] string? path,
        [FromQuery, Description("When the name is taken: rename (the default: \"name (2)\"), replace (the old content becomes a version) or fail (409).")] string? conflict)
    {
        if (!TreeRules.TryParseConflict(conflict, out var rule))
        {
            return BadRequest("conflict is rename, replace or fail.");
        }

        var placement = new Placement(folderId, path, rule);
        // The app's own limits (size, quota) are enforced while streaming; Kestrel's 30 MB default would cut in first.
        // Kestrel keeps a looser bound of its own, so that no body (say, a giant form field) is read without end.
        var limit = options.Value.MaxUploadBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit > long.MaxValue - MultipartOverheadBytes ? null : limit + MultipartOverheadBytes;
        }

        var request = context.Request;
        var owner = OwnerId(context.User);
        var aborted = context.RequestAborted;
        try
        {
            if (MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
                && mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            {
                return await UploadMultipartAsync(files, owner, name, placement, mediaType, request.Body, aborted);
            }

            // The declared length is admitted before the body is read: no point receiving gigabytes only to throw them away.
            return ToHttpResult(await files.UploadAsync(
                owner, name, request.ContentType, request.Body, cancellationToken: aborted, declaredBytes: request.ContentLength, placement: placement));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return UploadRefusals.ToProblem(new UploadResult.TooLarge(limit));
        }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException
            || (e is IOException or OperationCanceledException && aborted.IsCancellationRequested))
        {
            // The client sent a broken body or went away; FileService has already removed what it wrote.
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "The upload body could not be read.",
                detail: e is InvalidDataException ? e.Message : null);
        }
    }

    public static async Task<Results<Ok<FileItem>, NotFound>> Get(Guid id, ClaimsPrincipal user, FileService files, CancellationToken cancellationToken) =>
        await files.GetAsync(OwnerId(user), id, cancellationToken) is { } file ? TypedResults.Ok(file) : TypedResults.NotFound();

    public static async Task<Results<FileDownloadResult, NotFound, UnauthorizedHttpResult>> Download(Guid id, HttpContext context, FileService files, CancellationToken cancellationToken)
    {
        FileContent? content;
        if (TokenUserChecks.PendingFor(context) is { } pending)
        {
            // The bearer token's user check was left to this read (TokenUserChecks): it is made here, before anything else.
            (var standing, content) = await files.OpenWithStandingAsync(pending.UserId, id, cancellationToken);
            if (TokenUserChecks.Refused(context, pending, standing) is { } refused)
            {
                return refused;
            }
        }
        else if (OwnedFileReadAhead.For(context, OwnerId(context.User), id) is { } readAhead)
        {
            content = readAhead.File is { } file ? files.ContentOf(file) : null;
        }
        else
        {
            content = await files.OpenAsync(OwnerId(context.User), id, cancellationToken);
        }

        return content is null ? TypedResults.NotFound() : FileDownload.Create(content);
    }

    public static async Task<Results<NoContent, NotFound>> Delete(Guid id, ClaimsPrincipal user, TreeService tree, CancellationToken cancellationToken) =>
        await tree.TrashFileAsync(OwnerId(user), id, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    public static NotFound MalformedId(string id) => TypedResults.NotFound();

    private static async Task<Results<Created<FileItem>, ProblemHttpResult>> UploadMultipartAsync(
        FileService files, string owner, string? name, Placement placement, MediaTypeHeaderValue mediaType, Stream body, CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            return BadRequest("A multipart body needs a boundary.");
        }

        // No body length limit of its own (the default is 128 MB): FileService applies the app's limits to the part.
        var reader = new MultipartReader(boundary, body) { BodyLengthLimit = null };
        UploadResult? stored = null;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.IsFileDisposition())
                {
                    // Plain form fields are not files; MultipartReader skips whatever of them we do not read.
                    continue;
                }

                if (stored is not null)
                {
                    // One request, one file: the answer is one item (the catch below undoes the first).
                    throw new InvalidDataException("Send one file per request.");
                }

                var fileName = name ?? HeaderUtilities.RemoveQuotes(
                    disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                stored = await files.UploadAsync(owner, fileName, section.ContentType, section.Body, cancellationToken: cancellationToken, placement: placement);
                if (stored is not UploadResult.Stored)
                {
                    return ToHttpResult(stored);
                }
            }
        }
        catch when (stored is UploadResult.Stored first)
        {
            // The body broke after its file was stored: the client sees a failure, so nothing may stay behind.
            await files.DeleteForeverAsync(owner, first.File.Id, CancellationToken.None);
            throw;
        }

        return stored is null ? BadRequest("The multipart body has no file part.") : ToHttpResult(stored);
    }

    private static Results<Created<FileItem>, ProblemHttpResult> ToHttpResult(UploadResult result) =>
        result is UploadResult.Stored stored
            ? TypedResults.Created($"/api/files/{stored.File.Id}", stored.File)
            : UploadRefusals.ToProblem(result);

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The upload was refused.", detail: detail);

    private static int ParseOrDefault(string? value, int fallback, int min, int max, string field, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return fallback;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max)
        {
            return parsed;
        }

        errors[field] = [string.Create(CultureInfo.InvariantCulture, $"A whole number from {min} to {max}.")];
        return fallback;
    }

    private static string OwnerId(ClaimsPrincipal user) => user.GetRequiredUserId();
}
