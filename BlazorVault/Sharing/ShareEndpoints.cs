using System.Security.Claims;
using System.Text.Json;
using BlazorVault.Accounts;
using BlazorVault.Accounts.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BlazorVault.Sharing;

/// <param name="Password">Optional: visitors must give it before they see or download anything (8 to 256 characters).</param>
public sealed record CreateLinkRequest(double? ExpiresInHours, int? MaxDownloads, string? Password = null);

/// <summary>
/// PATCH of a link: only the fields present change. <c>expiresInHours</c> sets a new expiry that far from now;
/// <c>maxDownloads</c> null removes the limit; <c>password</c> null or empty removes the password.
/// </summary>
public sealed record UpdateLinkRequest(double? ExpiresInHours, int? MaxDownloads, string? Password);

/// <param name="Status"><c>active</c>, <c>usedUp</c>, <c>expired</c> or <c>revoked</c> (revoked links are only in <c>GET /api/links</c>).</param>
/// <param name="PausedUntil">Set while the link refuses every password after too many wrong ones.</param>
/// <param name="Kind"><c>file</c> (a link to <c>fileId</c>), <c>folder</c> (a read-only link to <c>folderId</c>'s tree) or <c>upload</c> (a file request into <c>folderId</c>, null: the root).</param>
/// <param name="FolderName">In <c>GET /api/links</c>: the name of a folder link's or file request's folder.</param>
/// <param name="MaxFiles">A file request's limit on files (null: none).</param>
/// <param name="MaxBytes">A file request's limit on bytes in all (null: none).</param>
/// <param name="FilesReceived">A file request's files, unfinished uploads included.</param>
/// <param name="BytesReceived">A file request's bytes (declared lengths of unfinished uploads included).</param>
public sealed record LinkResponse(
    Guid Id, string Url, DateTimeOffset ExpiresAt, int? MaxDownloads, int Downloads, DateTimeOffset CreatedAt, string Status,
    Guid? FileId, bool HasPassword, DateTimeOffset? PausedUntil, string? FileName = null, string Kind = "file", Guid? FolderId = null, string? FolderName = null,
    int? MaxFiles = null, long? MaxBytes = null, int? FilesReceived = null, long? BytesReceived = null);

public sealed record LinkListResponse(LinkResponse[] Items, int Total, int Page, int PageSize);

/// <param name="Kind"><c>pageView</c>, <c>passwordFailure</c>, <c>downloadStarted</c>, <c>downloadCompleted</c>, <c>downloadInterrupted</c> or <c>uploadReceived</c>.</param>
/// <param name="Network">The client's network: its address cut to /24 (IPv4) or /48 (IPv6).</param>
/// <param name="Bytes">For a finished or interrupted download: the bytes sent.</param>
public sealed record LinkAccessResponse(DateTimeOffset At, string Kind, string? Network, string Browser, long? Bytes);

public sealed record LinkLogResponse(LinkAccessResponse[] Items, int Total, int Page, int PageSize);

/// <summary>The owner's API for share links: create, list, change, revoke and read their logs (bearer token).</summary>
internal static class ShareEndpoints
{
    public const int MaxPageSize = 200;

    public static RouteGroupBuilder MapShareApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api")
            .RequireAuthorization(AccountsExtensions.ApiPolicy)
            .DisableAntiforgery()
            .WithTags("Share links");
        api.MapPost("/files/{id:guid}/links", CreateLink).RequireScope(ApiScopes.Share).WithName("CreateShareLink");
        api.MapGet("/files/{id:guid}/links", ListLinks).RequireScope(ApiScopes.Share).WithName("ListShareLinks");
        api.MapGet("/links", ListAllLinks).RequireScope(ApiScopes.Share).WithName("ListAllShareLinks")
            .WithSummary("All your links, revoked ones too, newest first, with their files' names.");
        api.MapPatch("/links/{id:guid}", UpdateLink).RequireScope(ApiScopes.Share).WithName("UpdateShareLink")
            .WithSummary("Changes a link's expiry, download limit or password (a file request's maxFiles and maxBytes too); its URL stays. Only the fields present change.")
            .Accepts<UpdateLinkRequest>("application/json")
            .ProducesValidationProblem();
        api.MapDelete("/links/{id:guid}", RevokeLink).RequireScope(ApiScopes.Share).WithName("RevokeShareLink");
        api.MapGet("/links/{id:guid}/log", LinkLog).RequireScope(ApiScopes.Share).WithName("ShareLinkLog")
            .WithSummary("A link's access log, newest first: page views, wrong passwords, downloads.");
        return api;
    }

    public static async Task<Results<Created<LinkResponse>, NotFound, ValidationProblem>> CreateLink(
        Guid id, CreateLinkRequest? request, ClaimsPrincipal user, ShareLinkService links, ShareUrls urls, HttpRequest http, CancellationToken cancellationToken)
    {
        TimeSpan? lifetime = null;
        if (request?.ExpiresInHours is { } hours)
        {
            if (HoursProblem(hours) is { } problem)
            {
                return problem;
            }

            lifetime = TimeSpan.FromHours(hours);
        }

        var result = await links.CreateAsync(user.GetUserId()!, id, lifetime, request?.MaxDownloads, request?.Password, cancellationToken);
        return result switch
        {
            CreateLinkResult.Created created => TypedResults.Created($"/api/files/{id}/links", ToResponse(created.Link, urls, http)),
            CreateLinkResult.Invalid invalid => Invalid(invalid.Field, invalid.Message),
            _ => TypedResults.NotFound(),
        };
    }

    public static async Task<Results<Ok<LinkResponse[]>, NotFound>> ListLinks(
        Guid id, ClaimsPrincipal user, ShareLinkService links, ShareUrls urls, HttpRequest http, CancellationToken cancellationToken)
    {
        var listed = await links.ListAsync(user.GetUserId()!, id, cancellationToken);
        return listed is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(listed.Select(l => ToResponse(l, urls, http)).ToArray());
    }

    public static async Task<Results<Ok<LinkListResponse>, ValidationProblem>> ListAllLinks(
        ClaimsPrincipal user, ShareLinkService links, ShareUrls urls, HttpRequest http, CancellationToken cancellationToken, int page = 1, int pageSize = 50)
    {
        if (PagingProblem(page, pageSize) is { } problem)
        {
            return problem;
        }

        var listed = await links.ListAllAsync(user.GetUserId()!, (page - 1) * pageSize, pageSize, cancellationToken);
        return TypedResults.Ok(new LinkListResponse([.. listed.Items.Select(o => o.Link.Kind == ShareLinkKind.File
            ? ToResponse(o.Link, urls, http) with { FileName = o.FileName }
            : ToResponse(o.Link, urls, http) with { FolderName = o.FileName })], listed.Total, page, pageSize));
    }

    /// <summary>Reads the body itself: "absent" and "null" mean different things here (keep, remove), which a bound record cannot tell apart.</summary>
    public static async Task<Results<Ok<LinkResponse>, NotFound, ValidationProblem>> UpdateLink(
        Guid id, ClaimsPrincipal user, ShareLinkService links, ShareUrls urls, HttpRequest http, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Body, default, cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Invalid("body", "The body is not valid JSON.");
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return Invalid("body", "Send a JSON object with any of expiresInHours, maxDownloads and password.");
        }

        var changes = new LinkChanges();
        foreach (var field in body.EnumerateObject())
        {
            var value = field.Value;
            switch (field.Name)
            {
                case "expiresInHours" when value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var hours):
                    if (HoursProblem(hours) is { } problem)
                    {
                        return problem;
                    }

                    changes = changes with { Lifetime = TimeSpan.FromHours(hours) };
                    break;
                case "expiresInHours":
                    return Invalid("expiresInHours", "Give the lifetime in hours, a positive number.");
                case "maxDownloads" when value.ValueKind == JsonValueKind.Null:
                    changes = changes with { ChangesMaxDownloads = true, MaxDownloads = null };
                    break;
                case "maxDownloads" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var max):
                    changes = changes with { ChangesMaxDownloads = true, MaxDownloads = max };
                    break;
                case "maxDownloads":
                    return Invalid("maxDownloads", "Give the download limit as a whole number, or null for none.");
                case "password" when value.ValueKind is JsonValueKind.Null or JsonValueKind.String:
                    changes = changes with { ChangesPassword = true, Password = value.GetString() };
                    break;
                case "password":
                    return Invalid("password", "Give the password as a string, or null to remove it.");
                case "maxFiles" when value.ValueKind == JsonValueKind.Null:
                    changes = changes with { ChangesMaxFiles = true, MaxFiles = null };
                    break;
                case "maxFiles" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var files):
                    changes = changes with { ChangesMaxFiles = true, MaxFiles = files };
                    break;
                case "maxFiles":
                    return Invalid("maxFiles", "Give the file limit as a whole number, or null for none.");
                case "maxBytes" when value.ValueKind == JsonValueKind.Null:
                    changes = changes with { ChangesMaxBytes = true, MaxBytes = null };
                    break;
                case "maxBytes" when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var bytes):
                    changes = changes with { ChangesMaxBytes = true, MaxBytes = bytes };
                    break;
                case "maxBytes":
                    return Invalid("maxBytes", "Give the byte limit as a whole number, or null for none.");
                default:
                    return Invalid(field.Name, "Only expiresInHours, maxDownloads, password, and for file requests maxFiles and maxBytes, can be changed.");
            }
        }

        return await links.UpdateAsync(user.GetUserId()!, id, changes, cancellationToken) switch
        {
            UpdateLinkResult.Updated updated => TypedResults.Ok(ToResponse(updated.Link, urls, http)),
            UpdateLinkResult.Invalid invalid => Invalid(invalid.Field, invalid.Message),
            _ => TypedResults.NotFound(),
        };
    }

    public static async Task<Results<NoContent, NotFound>> RevokeLink(
        Guid id, ClaimsPrincipal user, ShareLinkService links, CancellationToken cancellationToken) =>
        await links.RevokeAsync(user.GetUserId()!, id, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    public static async Task<Results<Ok<LinkLogResponse>, NotFound, ValidationProblem>> LinkLog(
        Guid id, ClaimsPrincipal user, ShareAccessLog log, CancellationToken cancellationToken, int page = 1, int pageSize = 50)
    {
        if (PagingProblem(page, pageSize) is { } problem)
        {
            return problem;
        }

        var entries = await log.PageAsync(user.GetUserId()!, id, (page - 1) * pageSize, pageSize, cancellationToken);
        return entries is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(new LinkLogResponse([.. entries.Items.Select(e => new LinkAccessResponse(e.At, KindName(e.Kind), e.Network, e.Browser, e.Bytes))], entries.Total, page, pageSize));
    }

    public static string KindName(ShareAccessKind kind) => kind switch
    {
        ShareAccessKind.PageView => "pageView",
        ShareAccessKind.PasswordFailure => "passwordFailure",
        ShareAccessKind.DownloadStarted => "downloadStarted",
        ShareAccessKind.DownloadCompleted => "downloadCompleted",
        ShareAccessKind.DownloadInterrupted => "downloadInterrupted",
        ShareAccessKind.UploadReceived => "uploadReceived",
        _ => "other",
    };

    internal static LinkResponse ToResponse(ShareLinkInfo link, ShareUrls urls, HttpRequest http) =>
        new LinkResponse(link.Id, urls.Of(link, http), link.ExpiresAt, link.MaxDownloads, link.Downloads, link.CreatedAt, link.State switch
        {
            LinkState.UsedUp => "usedUp",
            LinkState.Expired => "expired",
            LinkState.Revoked => "revoked",
            _ => "active",
        }, link.FileId, link.HasPassword, link.PausedUntil) with
        {
            Kind = link.Kind switch
            {
                ShareLinkKind.Folder => "folder",
                ShareLinkKind.Upload => "upload",
                _ => "file",
            },
            FolderId = link.FolderId,
            MaxFiles = link.MaxFiles,
            MaxBytes = link.MaxBytes,
            FilesReceived = link.Kind == ShareLinkKind.Upload ? link.FilesReceived : null,
            BytesReceived = link.Kind == ShareLinkKind.Upload ? link.BytesReceived : null,
        };

    internal static ValidationProblem? HoursProblem(double hours) =>
        !double.IsFinite(hours) || hours <= 0 || hours > TimeSpan.MaxValue.TotalHours / 2
            ? Invalid("expiresInHours", "Give the lifetime in hours, a positive number.")
            : null;

    private static ValidationProblem? PagingProblem(int page, int pageSize) =>
        page < 1 || page > 1_000_000 ? Invalid("page", "Pages count from 1.")
        : pageSize < 1 || pageSize > MaxPageSize ? Invalid("pageSize", $"A page has 1 to {MaxPageSize} entries.")
        : null;

    internal static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
