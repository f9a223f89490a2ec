using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using BlazorVault.Accounts;
using BlazorVault.Accounts.Tokens;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BlazorVault.Files.Uploads;

/// <summary>
/// The tus 1.0 protocol (core, creation, termination, checksum, expiration) at <c>/api/uploads</c>.
/// Bearer token, or the session cookie plus an antiforgery token in the <c>RequestVerificationToken</c>
/// header (the dashboard). Another user's upload answers 404, like one that does not exist.
/// </summary>
internal static class TusEndpoints
{
    public const string Prefix = "/api/uploads";
    public const string Version = "1.0.0";
    public const string Extensions = "creation,termination,checksum,expiration";
    public const string ChecksumAlgorithms = "sha1,sha256";
    public const string OffsetContentType = "application/offset+octet-stream";

    /// <summary>Set on the PATCH that completed an upload: the id of the stored file (<c>/api/files/{id}</c>).</summary>
    public const string FileIdHeader = "Vault-File-Id";

    /// <summary>tus's status for a body that does not match its Upload-Checksum.</summary>
    public const int ChecksumMismatchStatus = 460;

    private const string Tag = "Uploads";

    public static IEndpointRouteBuilder MapTusEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Prefix)
            .WithTags(Tag)
            .AddEndpointFilter(TusResumableFilter)
            // Cookie requests are checked by AntiforgeryFilter; bearer requests cannot be forged by another site.
            .DisableAntiforgery();

        // Discovery is public, as tus clients (and CORS preflights) ask before they authenticate.
        group.MapMethods("/", [HttpMethods.Options], Options).AllowAnonymous().WithName("TusOptions");
        group.MapMethods("/{id}", [HttpMethods.Options], Options).AllowAnonymous().ExcludeFromDescription();

        var secured = group.MapGroup("/")
            .RequireAuthorization(UploadsExtensions.UploadPolicy)
            .AddEndpointFilter(AntiforgeryFilter);
        secured.MapPost("/", Create)
            .RequireRateLimiting(UploadsExtensions.CreationRateLimit)
            .RequireScope(ApiScopes.Write).WithName("CreateUpload")
            .WithSummary("tus creation: Upload-Length and Upload-Metadata (filename, filetype) -> 201, Location.");
        secured.MapMethods("/{id}", [HttpMethods.Head], Head)
            .RequireScope(ApiScopes.Write).WithName("GetUploadOffset")
            .WithSummary("tus: Upload-Offset and Upload-Length of an upload.");
        secured.MapPatch("/{id}", Patch)
            .RequireScope(ApiScopes.Write).WithName("AppendToUpload")
            .WithSummary("tus: appends the body (application/offset+octet-stream) at Upload-Offset.")
            .Accepts<Stream>(OffsetContentType);
        secured.MapDelete("/{id}", Terminate)
            .RequireScope(ApiScopes.Write).WithName("TerminateUpload")
            .WithSummary("tus termination: discards an unfinished upload.");
        return endpoints;
    }

    public static NoContent Options(HttpContext context, IOptions<VaultOptions> options)
    {
        var headers = context.Response.Headers;
        headers["Tus-Version"] = Version;
        headers["Tus-Extension"] = Extensions;
        headers["Tus-Max-Size"] = options.Value.MaxUploadBytes.ToString(CultureInfo.InvariantCulture);
        headers["Tus-Checksum-Algorithm"] = ChecksumAlgorithms;
        return TypedResults.NoContent();
    }

    public static async Task<Results<Created, ProblemHttpResult>> Create(
        HttpContext context, ClaimsPrincipal user, TusUploadService uploads, CancellationToken cancellationToken)
    {
        var headers = context.Request.Headers;
        if (headers.ContainsKey("Upload-Defer-Length"))
        {
            return BadRequest("Upload-Defer-Length is not supported: send Upload-Length.");
        }

        if (!TryParseLength(headers["Upload-Length"], out var length))
        {
            return BadRequest("Upload-Length must be a whole number of bytes.");
        }

        if (!TryParseMetadata(headers["Upload-Metadata"], out var metadata))
        {
            return BadRequest("Upload-Metadata must be comma-separated 'key base64value' pairs.");
        }

        var name = metadata.GetValueOrDefault("filename") ?? metadata.GetValueOrDefault("name");
        var type = metadata.GetValueOrDefault("filetype") ?? metadata.GetValueOrDefault("type");
        // Where the file goes: a folder (absent: the root), folders below it to make (a folder upload), and what to do on a taken name.
        Guid? folderId = null;
        if (metadata.GetValueOrDefault("folderId") is { Length: > 0 } folder)
        {
            if (!Guid.TryParse(folder, out var parsed))
            {
                return UploadRefusals.ToProblem(new UploadResult.FolderNotFound());
            }

            folderId = parsed;
        }

        if (!BlazorVault.Files.Tree.TreeRules.TryParseConflict(metadata.GetValueOrDefault("conflict"), out var conflict))
        {
            return BadRequest("The conflict metadata is rename, replace or fail.");
        }

        var placement = new Placement(folderId, metadata.GetValueOrDefault("relativePath"), conflict);
        switch (await uploads.CreateAsync(OwnerId(user), length, name, type, cancellationToken, placement))
        {
            case TusCreation.Created created:
                SetExpires(context, created.Upload);
                context.Response.Headers["Upload-Offset"] = "0";
                return TypedResults.Created($"/api/uploads/{created.Upload.Id}");
            case TusCreation.Refused refused:
                return UploadRefusals.ToProblem(refused.Reason);
            default:
                throw new InvalidOperationException("Unknown creation result.");
        }
    }

    public static async Task<Results<Ok, NotFound>> Head(
        string id, HttpContext context, ClaimsPrincipal user, TusUploadService uploads, FileService files, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        if (await uploads.GetAsync(OwnerId(user), id, cancellationToken) is not var (upload, offset))
        {
            return TypedResults.NotFound();
        }

        // A completed upload whose file was deleted since points nowhere: a client resuming it must start afresh.
        if (upload.FileId is { } storedId && await files.GetAsync(OwnerId(user), storedId, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        response.Headers["Upload-Offset"] = offset.ToString(CultureInfo.InvariantCulture);
        response.Headers["Upload-Length"] = upload.Length.ToString(CultureInfo.InvariantCulture);
        response.Headers["Upload-Metadata"] = EncodeMetadata(upload);
        SetExpires(context, upload);
        if (upload.FileId is { } fileId)
        {
            response.Headers[FileIdHeader] = fileId.ToString();
        }

        return TypedResults.Ok();
    }

    public static async Task<Results<NoContent, NotFound, Conflict, ProblemHttpResult, StatusCodeHttpResult>> Patch(
        string id, HttpContext context, ClaimsPrincipal user, TusUploadService uploads)
    {
        var request = context.Request;
        if (!string.Equals(request.ContentType, OffsetContentType, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: $"PATCH bodies are {OffsetContentType}.");
        }

        if (!TryParseLength(request.Headers["Upload-Offset"], out var offset))
        {
            return BadRequest("Upload-Offset must be a whole number of bytes.");
        }

        TusChecksum? checksum = null;
        if (request.Headers.TryGetValue("Upload-Checksum", out var checksumHeader) && !TryParseChecksum(checksumHeader, out checksum))
        {
            return BadRequest($"Upload-Checksum must be '<algorithm> <base64 digest>' with one of {ChecksumAlgorithms}.");
        }

        // Kestrel's 30 MB default would cut long chunks short; the upload's own length bounds the body instead.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize
            && await uploads.GetAsync(OwnerId(user), id, context.RequestAborted) is var (known, _))
        {
            bodySize.MaxRequestBodySize = Math.Max(0, known.Length - offset) + 1;
        }

        var aborted = context.RequestAborted;
        TusPatch result;
        try
        {
            result = await uploads.AppendAsync(OwnerId(user), id, offset, request.ContentLength, checksum, request.Body, aborted);
        }
        catch (Exception e) when (e is BadHttpRequestException
            || (e is IOException or OperationCanceledException && aborted.IsCancellationRequested))
        {
            // The client went away or sent a broken body; what arrived before is kept, and HEAD tells where to resume.
            return BadRequest("The request body could not be read to its end.");
        }

        switch (result)
        {
            case TusPatch.Accepted accepted:
                context.Response.Headers["Upload-Offset"] = accepted.Offset.ToString(CultureInfo.InvariantCulture);
                if (accepted.FileId is { } fileId)
                {
                    context.Response.Headers[FileIdHeader] = fileId.ToString();
                }
                else if (await uploads.GetAsync(OwnerId(user), id, CancellationToken.None) is var (upload, _))
                {
                    SetExpires(context, upload);
                }

                return TypedResults.NoContent();
            case TusPatch.NotFound:
                return TypedResults.NotFound();
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
                return TypedResults.Problem(statusCode: ChecksumMismatchStatus, title: "Checksum mismatch: nothing of this request was kept.");
            case TusPatch.Refused refused:
                return UploadRefusals.ToProblem(refused.Reason);
            default:
                throw new InvalidOperationException("Unknown PATCH result.");
        }
    }

    public static async Task<Results<NoContent, NotFound, StatusCodeHttpResult>> Terminate(
        string id, ClaimsPrincipal user, TusUploadService uploads, CancellationToken cancellationToken) =>
        await uploads.TerminateAsync(OwnerId(user), id, cancellationToken) switch
        {
            TusTermination.Terminated => TypedResults.NoContent(),
            TusTermination.Busy => TypedResults.StatusCode(StatusCodes.Status423Locked),
            _ => TypedResults.NotFound(),
        };

    private static async ValueTask<object?> TusResumableFilter(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        // The response's Tus-Resumable header comes from UploadsExtensions.UseUploads.
        var context = invocation.HttpContext;
        if (!HttpMethods.IsOptions(context.Request.Method) && context.Request.Headers["Tus-Resumable"] != Version)
        {
            context.Response.Headers["Tus-Version"] = Version;
            return TypedResults.StatusCode(StatusCodes.Status412PreconditionFailed);
        }

        return await next(invocation);
    }

    private static async ValueTask<object?> AntiforgeryFilter(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        // A browser attaches the session cookie to any site's request, but never an Authorization header.
        var bearer = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!bearer.Succeeded
            && !await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Missing or invalid antiforgery token.",
                detail: "Signed in with the session cookie, send the RequestVerificationToken header.");
        }

        return await next(invocation);
    }

    private static void SetExpires(HttpContext context, TusUpload upload) =>
        context.Response.Headers["Upload-Expires"] = upload.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);

    internal static bool TryParseLength(string? value, out long length) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out length);

    internal static bool TryParseMetadata(string? header, out Dictionary<string, string> metadata)
    {
        metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(header))
        {
            return true;
        }

        foreach (var pair in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is < 1 or > 2)
            {
                return false;
            }

            try
            {
                metadata[parts[0]] = parts.Length == 2 ? Encoding.UTF8.GetString(Convert.FromBase64String(parts[1])) : "";
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return true;
    }

    private static string EncodeMetadata(TusUpload upload)
    {
        var pairs = new List<string> { "filename " + Convert.ToBase64String(Encoding.UTF8.GetBytes(upload.Name)) };
        if (!string.IsNullOrEmpty(upload.ContentType))
        {
            pairs.Add("filetype " + Convert.ToBase64String(Encoding.UTF8.GetBytes(upload.ContentType)));
        }

        return string.Join(',', pairs);
    }

    internal static bool TryParseChecksum(string? header, out TusChecksum? checksum)
    {
        checksum = null;
        var parts = header?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        HashAlgorithmName? algorithm = parts.Length == 2 ? parts[0].ToUpperInvariant() switch
        {
            "SHA1" => HashAlgorithmName.SHA1,
            "SHA256" => HashAlgorithmName.SHA256,
            _ => null,
        } : null;
        if (algorithm is null)
        {
            return false;
        }

        try
        {
            checksum = new TusChecksum(algorithm.Value, Convert.FromBase64String(parts[1]));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The upload request was refused.", detail: detail);

    private static string OwnerId(ClaimsPrincipal user) => user.GetRequiredUserId();
}
