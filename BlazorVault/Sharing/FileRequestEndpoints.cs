using System.Globalization;
using System.Security.Claims;
using BlazorVault.Accounts;
using BlazorVault.Accounts.Tokens;
using BlazorVault.Files;
using BlazorVault.Files.Uploads;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BlazorVault.Sharing;

/// <summary>
/// <c>POST /api/links</c>: one route for every kind of link.
/// </summary>
/// <param name="Kind"><c>download</c> (with <c>fileId</c> of a file, or <c>folderId</c> of a folder to share read-only) or <c>upload</c> (a file request, into <c>folderId</c> or the root).</param>
/// <param name="FileId">The file of a download link.</param>
/// <param name="FolderId">The folder of a download link to a folder, or the target folder of a file request (absent: the root).</param>
/// <param name="ExpiresInHours">How long the link works; absent for the default.</param>
/// <param name="Password">Optional: visitors must give it first (8 to 256 characters).</param>
/// <param name="MaxDownloads">A download link's limit; absent for none.</param>
/// <param name="MaxFiles">A file request's limit on files; absent for none.</param>
/// <param name="MaxBytes">A file request's limit on bytes in all; absent for none (the owner's quota still holds).</param>
public sealed record CreateAnyLinkRequest(
    string? Kind, Guid? FileId = null, Guid? FolderId = null, double? ExpiresInHours = null, string? Password = null,
    int? MaxDownloads = null, int? MaxFiles = null, long? MaxBytes = null);

/// <summary>
/// File requests over HTTP: their creation by the owner (<c>POST /api/links</c>), and the tus 1.0 endpoint their
/// visitors upload through (<c>/s/{link}/uploads</c>, creation and termination; no deferred length). Every visitor
/// request checks the link again (a working upload link, its password's proof); an upload is reachable only through
/// the link it was made through and by its unguessable id, which only its creator learns, and no answer names
/// anything of the owner's (no file ids, no names, no usage).
/// </summary>
internal static class FileRequestEndpoints
{
    /// <summary>Set on the answers about a visitor's upload once its file is stored; says nothing about the file.</summary>
    public const string CompleteHeader = "Vault-Upload-Complete";

    /// <summary>
    /// The visitor's secret, scoped to the link's path: an upload is bound to the hash of the secret its creator
    /// held, so that another visitor who learns its URL still cannot see, continue or end it.
    /// </summary>
    public const string VisitorCookie = "vault-request-visitor";

    private const string Tag = "File requests";

    public static IEndpointRouteBuilder MapFileRequests(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api")
            .RequireAuthorization(AccountsExtensions.ApiPolicy)
            .DisableAntiforgery()
            .WithTags("Share links")
            .MapPost("/links", CreateLink)
            .RequireScope(ApiScopes.Share)
            .WithName("CreateLink")
            .WithSummary("Creates a link of any kind: a download link to a file (kind download, fileId) or to a folder (kind download, folderId), or a file request (kind upload, folderId, maxFiles, maxBytes).")
            .ProducesValidationProblem();

        var visitor = endpoints.MapGroup("/s/{link}/uploads")
            .AllowAnonymous()
            .RequireRateLimiting(SharedFileEndpoints.RateLimitPolicy)
            // No cookie but the link's own password proof, which is SameSite=Strict: another site cannot send it.
            .DisableAntiforgery()
            .WithTags(Tag)
            .AddEndpointFilter(TusFilter);
        visitor.MapPost("/", Create).WithName("CreateRequestUpload")
            .WithSummary("A file request's tus creation: Upload-Length and Upload-Metadata (filename, filetype, name, note) -> 201, Location.");
        // Going on with an upload counts nothing: its creation was counted, it is bound to the secret of the visitor who
        // created it, and its length was fixed (and charged to the request's limits) then. A browser sending a large file
        // in chunks (Vault:Uploads:BrowserChunkBytes) makes one PATCH per chunk, which would otherwise spend the address's
        // budget and stop the file half-way with 429.
        visitor.MapMethods("/{id}", [HttpMethods.Head], Head).DisableRateLimiting().WithName("GetRequestUploadOffset")
            .WithSummary("tus: Upload-Offset and Upload-Length of the visitor's own upload.");
        visitor.MapPatch("/{id}", Patch).DisableRateLimiting().WithName("AppendToRequestUpload")
            .WithSummary("tus: appends the body at Upload-Offset to the visitor's own upload.")
            .Accepts<Stream>(TusEndpoints.OffsetContentType);
        visitor.MapDelete("/{id}", Terminate).WithName("TerminateRequestUpload")
            .WithSummary("tus termination: discards the visitor's unfinished upload and gives its share of the request's limits back.");
        return endpoints;
    }

    public static async Task<Results<Created<LinkResponse>, NotFound, ValidationProblem>> CreateLink(
        CreateAnyLinkRequest request, ClaimsPrincipal user, ShareLinkService links, ShareUrls urls, HttpRequest http, CancellationToken cancellationToken)
    {
        TimeSpan? lifetime = null;
        if (request.ExpiresInHours is { } hours)
        {
            if (ShareEndpoints.HoursProblem(hours) is { } problem)
            {
                return problem;
            }

            lifetime = TimeSpan.FromHours(hours);
        }

        var owner = user.GetRequiredUserId();
        CreateLinkResult result;
        switch (request.Kind)
        {
            case "download" when (request.FileId is null) == (request.FolderId is null):
                return ShareEndpoints.Invalid(
                    request.FileId is null ? "fileId" : "folderId", "A download link shares one thing: give the fileId of a file or the folderId of a folder.");
            case "download" when request.MaxFiles is not null || request.MaxBytes is not null:
                return ShareEndpoints.Invalid(request.MaxFiles is not null ? "maxFiles" : "maxBytes", "Only a file request (kind upload) has limits on files and bytes.");
            case "download" when request.FolderId is { } folderId:
                result = await links.CreateFolderLinkAsync(owner, folderId, lifetime, request.MaxDownloads, request.Password, cancellationToken);
                break;
            case "download":
                result = await links.CreateAsync(owner, request.FileId!.Value, lifetime, request.MaxDownloads, request.Password, cancellationToken);
                break;
            case "upload" when request.FileId is not null:
                return ShareEndpoints.Invalid("fileId", "A file request goes into a folder: give folderId, or nothing for the root.");
            case "upload" when request.MaxDownloads is not null:
                return ShareEndpoints.Invalid("maxDownloads", "A file request has no download limit; give maxFiles or maxBytes.");
            case "upload":
                result = await links.CreateRequestAsync(
                    owner, new FileRequestSpec(request.FolderId, lifetime, request.Password, request.MaxFiles, request.MaxBytes), cancellationToken);
                break;
            default:
                return ShareEndpoints.Invalid("kind", "Give kind: download (a link to a file) or upload (a file request).");
        }

        return result switch
        {
            CreateLinkResult.Created created => TypedResults.Created($"/api/links/{created.Link.Id}", ShareEndpoints.ToResponse(created.Link, urls, http)),
            CreateLinkResult.Invalid invalid => ShareEndpoints.Invalid(invalid.Field, invalid.Message),
            _ => TypedResults.NotFound(),
        };
    }

    public static async Task<Results<Created, ProblemHttpResult>> Create(
        string link, HttpContext context, ShareLinkService links, TusUploadService uploads, CancellationToken cancellationToken)
    {
        var request = await links.RequestForUploadAsync(link, ShareClient.From(context).PasswordProof, cancellationToken);
        if (request is null)
        {
            return Gone();
        }

        var headers = context.Request.Headers;
        if (headers.ContainsKey("Upload-Defer-Length"))
        {
            // A file request's byte limit is reserved when the upload begins: the length must be known then.
            return BadRequest("Upload-Defer-Length is not supported: send Upload-Length.");
        }

        if (!TusEndpoints.TryParseLength(headers["Upload-Length"], out var length))
        {
            return BadRequest("Upload-Length must be a whole number of bytes.");
        }

        if (!TusEndpoints.TryParseMetadata(headers["Upload-Metadata"], out var metadata))
        {
            return BadRequest("Upload-Metadata must be comma-separated 'key base64value' pairs.");
        }

        var note = metadata.GetValueOrDefault("note")?.Trim();
        if (note?.Length > ShareLinkService.MaxNoteLength)
        {
            return BadRequest($"A note can be at most {ShareLinkService.MaxNoteLength} characters.");
        }

        var visitorFolder = await links.VisitorFolderAsync(request, metadata.GetValueOrDefault("name"), cancellationToken);
        // Only rename: a visitor never replaces or learns of a file that is there.
        var placement = new Placement(request.FolderId, visitorFolder, Files.Tree.NameConflict.Rename);
        var name = metadata.GetValueOrDefault("filename") ?? metadata.GetValueOrDefault("name");
        var type = metadata.GetValueOrDefault("filetype");
        var created = await uploads.CreateAsync(request.CreatedById, length, name, type, cancellationToken, placement, new RequestUpload(request.Id, VisitorKey(context, request)));
        switch (created)
        {
            case TusCreation.Created upload:
                if (!string.IsNullOrEmpty(note) && await links.SaveNoteAsync(request, visitorFolder, note, CancellationToken.None) is not UploadResult.Stored)
                {
                    // The file still comes; a note that did not fit is not worth refusing it for.
                    context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FileRequestEndpoints))
                        .LogWarning("File request {LinkId}: a visitor's note could not be stored", request.Id);
                }

                context.Response.Headers["Upload-Offset"] = "0";
                context.Response.Headers["Upload-Expires"] = upload.Upload.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);
                return TypedResults.Created($"{context.Request.PathBase}/s/{link}/uploads/{upload.Upload.Id}");
            case TusCreation.OverLinkLimit:
                // Read again: which limit stopped it is what the row says now, not before the reservation.
                var now = await links.RequestForUploadAsync(link, ShareClient.From(context).PasswordProof, CancellationToken.None) ?? request;
                return now.MaxFiles is { } maxFiles && now.FilesReceived >= maxFiles
                    ? TypedResults.Problem(
                        statusCode: StatusCodes.Status403Forbidden, title: "This request takes no more files.",
                        detail: "It has received all the files it asks for.")
                    : TypedResults.Problem(
                        statusCode: StatusCodes.Status413PayloadTooLarge, title: "This file is more than the request takes.",
                        detail: "With it, the files sent would pass what the request takes in all.");
            case TusCreation.Refused refused:
                return Refusal(refused.Reason);
            default:
                throw new InvalidOperationException("Unknown creation result.");
        }
    }

    public static async Task<Results<Ok, ProblemHttpResult>> Head(
        string link, string id, HttpContext context, ShareLinkService links, TusUploadService uploads, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        if (await links.RequestForUploadAsync(link, ShareClient.From(context).PasswordProof, cancellationToken) is not { } request
            || Visitor(context, request) is not { } visitor
            || await uploads.GetAsync(request.CreatedById, id, cancellationToken, visitor) is not var (upload, offset))
        {
            return Gone();
        }

        response.Headers["Upload-Offset"] = offset.ToString(CultureInfo.InvariantCulture);
        response.Headers["Upload-Length"] = upload.Length.ToString(CultureInfo.InvariantCulture);
        response.Headers["Upload-Expires"] = upload.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);
        if (upload.FileId is not null)
        {
            response.Headers[CompleteHeader] = "true";
        }

        return TypedResults.Ok();
    }

    public static async Task<Results<NoContent, Conflict, ProblemHttpResult, StatusCodeHttpResult>> Patch(
        string link, string id, HttpContext context, ShareLinkService links, TusUploadService uploads, ShareAccessLog accessLog)
    {
        var client = ShareClient.From(context);
        if (await links.RequestForUploadAsync(link, client.PasswordProof, context.RequestAborted) is not { } linkRow
            || Visitor(context, linkRow) is not { } visitor
            || await uploads.GetAsync(linkRow.CreatedById, id, context.RequestAborted, visitor) is not var (known, _))
        {
            return Gone();
        }

        var request = context.Request;
        if (!string.Equals(request.ContentType, TusEndpoints.OffsetContentType, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: $"PATCH bodies are {TusEndpoints.OffsetContentType}.");
        }

        if (!TusEndpoints.TryParseLength(request.Headers["Upload-Offset"], out var offset))
        {
            return BadRequest("Upload-Offset must be a whole number of bytes.");
        }

        TusChecksum? checksum = null;
        if (request.Headers.TryGetValue("Upload-Checksum", out var checksumHeader) && !TusEndpoints.TryParseChecksum(checksumHeader, out checksum))
        {
            return BadRequest($"Upload-Checksum must be '<algorithm> <base64 digest>' with one of {TusEndpoints.ChecksumAlgorithms}.");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = Math.Max(0, known.Length - offset) + 1;
        }

        var aborted = context.RequestAborted;
        TusPatch result;
        try
        {
            result = await uploads.AppendAsync(linkRow.CreatedById, id, offset, request.ContentLength, checksum, request.Body, aborted, visitor);
        }
        catch (Exception e) when (e is BadHttpRequestException
            || (e is IOException or OperationCanceledException && aborted.IsCancellationRequested))
        {
            return BadRequest("The request body could not be read to its end.");
        }

        switch (result)
        {
            case TusPatch.Accepted accepted:
                context.Response.Headers["Upload-Offset"] = accepted.Offset.ToString(CultureInfo.InvariantCulture);
                if (accepted.FileId is not null)
                {
                    context.Response.Headers[CompleteHeader] = "true";
                    if (known.FileId is null)
                    {
                        // This request stored the file (a repeat of the last answer is not a second file).
                        accessLog.Record(linkRow.Id, ShareAccessKind.UploadReceived, client, known.Length);
                    }
                }

                return TypedResults.NoContent();
            case TusPatch.NotFound:
                return Gone();
            case TusPatch.OffsetMismatch mismatch:
                context.Response.Headers["Upload-Offset"] = mismatch.Offset.ToString(CultureInfo.InvariantCulture);
                return TypedResults.Conflict();
            case TusPatch.Busy:
                return TypedResults.StatusCode(StatusCodes.Status423Locked);
            case TusPatch.TooLong tooLong:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status413PayloadTooLarge,
                    title: "The body runs past Upload-Length.",
                    detail: string.Create(CultureInfo.InvariantCulture, $"The upload is {tooLong.Length} bytes; nothing of this request was kept."));
            case TusPatch.ChecksumMismatch:
                return TypedResults.Problem(statusCode: TusEndpoints.ChecksumMismatchStatus, title: "Checksum mismatch: nothing of this request was kept.");
            case TusPatch.Refused refused:
                return Refusal(refused.Reason);
            default:
                throw new InvalidOperationException("Unknown PATCH result.");
        }
    }

    public static async Task<Results<NoContent, ProblemHttpResult, StatusCodeHttpResult>> Terminate(
        string link, string id, HttpContext context, ShareLinkService links, TusUploadService uploads, CancellationToken cancellationToken)
    {
        if (await links.RequestForUploadAsync(link, ShareClient.From(context).PasswordProof, cancellationToken) is not { } request
            || Visitor(context, request) is not { } visitor)
        {
            return Gone();
        }

        return await uploads.TerminateAsync(request.CreatedById, id, cancellationToken, visitor) switch
        {
            TusTermination.Terminated => TypedResults.NoContent(),
            TusTermination.Busy => TypedResults.StatusCode(StatusCodes.Status423Locked),
            _ => Gone(),
        };
    }

    /// <summary>The one answer for every refusal of a link or an upload: no oracle for which it was.</summary>
    private static ProblemHttpResult Gone() =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound, title: "Not found.",
            detail: "There is no such upload, or this file request no longer takes files.");

    /// <summary>The visitor an upload request comes from, by the secret cookie its creation handed out; null without one.</summary>
    private static RequestUpload? Visitor(HttpContext context, ShareLink request) =>
        context.Request.Cookies[VisitorCookie] is { Length: >= 20 and <= 100 } secret ? new RequestUpload(request.Id, HashOf(secret)) : null;

    /// <summary>The visitor's key for a new upload: from its secret cookie, or a new secret handed out now.</summary>
    private static string VisitorKey(HttpContext context, ShareLink request)
    {
        if (Visitor(context, request) is { } known)
        {
            return known.VisitorKey;
        }

        var secret = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        context.Response.Cookies.Append(VisitorCookie, secret, new CookieOptions
        {
            // Scoped to this link's URL, like the password's proof, and never sent along from another site.
            Path = $"{context.Request.PathBase}/s/{request.PublicId}",
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Expires = request.ExpiresAt,
            IsEssential = true,
        });
        return HashOf(secret);
    }

    private static string HashOf(string secret) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    /// <summary>
    /// What a visitor is told of a refusal: the owner's refusals are mapped without the owner's numbers (usage,
    /// quota) or names, which are none of the visitor's business.
    /// </summary>
    private static ProblemHttpResult Refusal(UploadResult reason) => reason switch
    {
        UploadResult.OverQuota or UploadResult.StorageFull => TypedResults.Problem(
            statusCode: StatusCodes.Status507InsufficientStorage, title: "There is no room for this file.",
            detail: "The person who asked for files has no storage left for it."),
        UploadResult.TooManyUnfinished => TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict, title: "Too many unfinished uploads.",
            detail: "This request has too many unfinished uploads; finish or cancel one first."),
        UploadResult.NameTaken or UploadResult.Conflict or UploadResult.FolderNotFound => TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict, title: "The file could not be stored.", detail: "Try again, or send it under another name."),
        UploadResult.InvalidName or UploadResult.TooLarge => UploadRefusals.ToProblem(reason),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The file could not be stored."),
    };

    private static async ValueTask<object?> TusFilter(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        context.Response.Headers["Tus-Resumable"] = TusEndpoints.Version;
        if (context.Request.Headers["Tus-Resumable"] != TusEndpoints.Version)
        {
            context.Response.Headers["Tus-Version"] = TusEndpoints.Version;
            return TypedResults.StatusCode(StatusCodes.Status412PreconditionFailed);
        }

        return await next(invocation);
    }

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The upload request was refused.", detail: detail);
}
