using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using BlazorVault.Accounts;
using BlazorVault.Accounts.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BlazorVault.Files.Tree;

/// <summary>An entry of a folder listing: a folder (no size, type or hash) or a file.</summary>
/// <param name="ParentId">The folder it is in; null for the root.</param>
/// <param name="Path">The path of the folder it is in: given in search results, which span folders.</param>
public sealed record EntryDto(string Kind, Guid Id, string Name, Guid? ParentId, long? Size, string? ContentType, string? Sha256, DateTimeOffset CreatedAt, string? Path)
{
    public static EntryDto From(FolderItem folder) => new("folder", folder.Id, folder.Name, folder.ParentId, null, null, null, folder.CreatedAt, folder.Path);

    public static EntryDto From(FileItem file) => new("file", file.Id, file.Name, file.FolderId, file.Size, file.ContentType, file.Sha256, file.CreatedAt, file.Path);
}

public sealed record FolderListResponse(FolderItem? Folder, IReadOnlyList<Crumb> Trail, IReadOnlyList<EntryDto> Items, int Total, int Page, int PageSize);

public sealed record FolderDetails(FolderItem? Folder, IReadOnlyList<Crumb> Trail, string Path);

/// <param name="ParentId">The folder to create it in; null or absent for the root.</param>
public sealed record CreateFolderRequest(string? Name, Guid? ParentId);

/// <summary>
/// A rename and/or move. <c>name</c> absent keeps the name; <c>parentId</c> (folders) or <c>folderId</c>
/// (files) absent keeps the place, null or "root" moves to the root.
/// </summary>
public sealed record MoveRequest(string? Name, JsonElement ParentId, JsonElement FolderId);

public sealed record ZipRequest(IReadOnlyList<Guid>? FileIds, IReadOnlyList<Guid>? FolderIds);

/// <summary>
/// Folders, moves, the trash, versions and ZIPs over HTTP. Every handler goes through the services,
/// which decide ownership: another user's id is 404, like one that does not exist.
/// </summary>
internal static class TreeEndpoints
{
    private const string Conflicts = "When the name is taken: rename (the default: \"name (2)\"), replace (the entry in the way goes to the trash) or fail (409).";

    public static IEndpointRouteBuilder MapTreeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var folders = endpoints.MapGroup("/api/folders").RequireAuthorization(AccountsExtensions.ApiPolicy).WithTags("Folders");
        folders.MapPost("/", CreateFolder).RequireScope(ApiScopes.Write).WithName("CreateFolder").WithSummary("Creates a folder.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        folders.MapGet("/root", (ClaimsPrincipal user, TreeService tree, CancellationToken ct) => GetFolder(null, user, tree, ct))
            .RequireScope(ApiScopes.Read).WithName("GetRootFolder").WithSummary("The root folder.");
        folders.MapGet("/{id:guid}", (Guid id, ClaimsPrincipal user, TreeService tree, CancellationToken ct) => GetFolder(id, user, tree, ct))
            .RequireScope(ApiScopes.Read).WithName("GetFolder").WithSummary("A folder and its path.");
        folders.MapGet("/root/children", (ClaimsPrincipal user, TreeService tree, string? page, string? pageSize, string? q, string? sort, CancellationToken ct) =>
                ListChildren(null, user, tree, page, pageSize, q, sort, ct))
            .RequireScope(ApiScopes.Read).WithName("ListRootChildren").WithSummary("The root's folders, then its files, a page at a time; with q, matches in every folder.");
        folders.MapGet("/{id:guid}/children", (Guid id, ClaimsPrincipal user, TreeService tree, string? page, string? pageSize, string? q, string? sort, CancellationToken ct) =>
                ListChildren(id, user, tree, page, pageSize, q, sort, ct))
            .RequireScope(ApiScopes.Read).WithName("ListFolderChildren").WithSummary("A folder's folders, then its files, a page at a time.");
        folders.MapPatch("/{id:guid}", UpdateFolder).RequireScope(ApiScopes.Write).WithName("UpdateFolder").WithSummary("Renames and/or moves a folder.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        folders.MapDelete("/{id:guid}", TrashFolder).RequireScope(ApiScopes.Write).WithName("TrashFolder").WithSummary("Moves a folder and everything in it to the trash.");
        folders.MapGet("/root/zip", (ClaimsPrincipal user, ZipDownload zip, HttpContext context) => Zip(user, zip, [], [], true, context))
            .RequireScope(ApiScopes.Read).WithName("DownloadDriveZip").WithSummary("The whole drive as one ZIP, streamed while it is built.");
        folders.MapGet("/{id:guid}/zip", (Guid id, ClaimsPrincipal user, ZipDownload zip, HttpContext context) => Zip(user, zip, [id], [], false, context))
            .RequireScope(ApiScopes.Read).WithName("DownloadFolderZip").WithSummary("A folder as one ZIP, streamed while it is built.");
        folders.MapGet("/{id}", NotFoundId).RequireScope(ApiScopes.Read).ExcludeFromDescription();
        folders.MapGet("/{id}/children", NotFoundId).RequireScope(ApiScopes.Read).ExcludeFromDescription();
        folders.MapPatch("/{id}", NotFoundId).RequireScope(ApiScopes.Write).ExcludeFromDescription();
        folders.MapDelete("/{id}", NotFoundId).RequireScope(ApiScopes.Write).ExcludeFromDescription();

        var files = endpoints.MapGroup("/api/files").RequireAuthorization(AccountsExtensions.ApiPolicy).WithTags("Files");
        files.MapPatch("/{id:guid}", UpdateFile).RequireScope(ApiScopes.Write).WithName("UpdateFile").WithSummary("Renames and/or moves a file.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        files.MapGet("/{id:guid}/versions", ListVersions).RequireScope(ApiScopes.Read).WithName("ListVersions").WithSummary("A file's earlier contents, newest first.");
        files.MapMethods("/{id:guid}/versions/{versionId:guid}/content", [HttpMethods.Get, HttpMethods.Head], DownloadVersion)
            .RequireScope(ApiScopes.Read).WithName("DownloadVersion").WithSummary("An earlier content's bytes.");
        files.MapPost("/{id:guid}/versions/{versionId:guid}/restore", RestoreVersion)
            .RequireScope(ApiScopes.Write).WithName("RestoreVersion").WithSummary("Makes an earlier content current again; the current one becomes a version.");
        files.MapDelete("/{id:guid}/versions/{versionId:guid}", DeleteVersion).RequireScope(ApiScopes.Write).WithName("DeleteVersion").WithSummary("Deletes an earlier content for good.");
        files.MapPatch("/{id}", NotFoundId).RequireScope(ApiScopes.Write).ExcludeFromDescription();

        var trash = endpoints.MapGroup("/api/trash").RequireAuthorization(AccountsExtensions.ApiPolicy).WithTags("Trash");
        trash.MapGet("/", ListTrash).RequireScope(ApiScopes.Read).WithName("ListTrash").WithSummary("What you deleted, newest first, with where it was.");
        trash.MapPost("/{id:guid}/restore", Restore).RequireScope(ApiScopes.Write).WithName("RestoreFromTrash")
            .WithSummary("Puts a deleted file or folder back where it was (re-making missing folders; a taken name gets a number).");
        trash.MapDelete("/{id:guid}", DeleteForever).RequireScope(ApiScopes.Write).WithName("DeleteFromTrash").WithSummary("Deletes one deleted entry for good.");
        trash.MapDelete("/", EmptyTrash).RequireScope(ApiScopes.Write).WithName("EmptyTrash").WithSummary("Deletes everything in the trash for good.");
        trash.MapPost("/{id}/restore", NotFoundId).RequireScope(ApiScopes.Write).ExcludeFromDescription();
        trash.MapDelete("/{id}", NotFoundId).RequireScope(ApiScopes.Write).ExcludeFromDescription();

        endpoints.MapGet("/api/usage", async (ClaimsPrincipal user, TreeService tree, CancellationToken ct) => TypedResults.Ok(await tree.GetUsageAsync(OwnerId(user), ct)))
            .RequireAuthorization(AccountsExtensions.ApiPolicy).WithTags("Files").RequireScope(ApiScopes.Read).WithName("GetUsage")
            .WithSummary("Bytes charged against your quota, and how much of that is in the trash and in earlier versions.");
        endpoints.MapPost("/api/zip", ZipSelection).RequireAuthorization(AccountsExtensions.ApiPolicy).WithTags("Files")
            .RequireScope(ApiScopes.Read).WithName("DownloadSelectionZip").WithSummary("Chosen files and folders as one ZIP, streamed while it is built.");

        // The dashboard's downloads: session cookie, like /download/{id}.
        endpoints.MapGet("/download/zip", (ClaimsPrincipal user, ZipDownload zip, HttpContext context, Guid[]? file, Guid[]? folder) =>
                Zip(user, zip, folder ?? [], file ?? [], folder is null && file is null, context))
            .RequireAuthorization().ExcludeFromDescription();
        endpoints.MapGet("/download/versions/{id:guid}/{versionId:guid}", DownloadVersion).RequireAuthorization().ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<Results<Created<FolderItem>, ProblemHttpResult>> CreateFolder(
        CreateFolderRequest request, ClaimsPrincipal user, TreeService tree,
        [FromQuery, Description(Conflicts)] string? conflict, CancellationToken cancellationToken)
    {
        if (!TreeRules.TryParseConflict(conflict, out var rule))
        {
            return BadConflict();
        }

        var result = await tree.CreateFolderAsync(OwnerId(user), request.ParentId, request.Name, rule, cancellationToken);
        return result.Value is { } folder ? TypedResults.Created($"/api/folders/{folder.Id}", folder) : Problem(result.Error!);
    }

    private static async Task<Results<Ok<FolderDetails>, NotFound>> GetFolder(Guid? id, ClaimsPrincipal user, TreeService tree, CancellationToken cancellationToken) =>
        await tree.GetFolderAsync(OwnerId(user), id, cancellationToken) is { } view
            ? TypedResults.Ok(new FolderDetails(view.Folder, view.Trail, view.Path))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<FolderListResponse>, ValidationProblem, NotFound>> ListChildren(
        Guid? id, ClaimsPrincipal user, TreeService tree, string? page, string? pageSize, string? q, string? sort, CancellationToken cancellationToken)
    {
        if (!FileEndpoints.TryParseListQuery(page, pageSize, q, sort, out var query, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var owner = OwnerId(user);
        var view = await tree.GetFolderAsync(owner, id, cancellationToken);
        var listed = view is null ? null : await tree.ListAsync(owner, id, query.Query, cancellationToken);
        if (view is null || listed is null)
        {
            return TypedResults.NotFound();
        }

        var items = listed.Folders.Select(EntryDto.From).Concat(listed.Files.Select(EntryDto.From)).ToList();
        return TypedResults.Ok(new FolderListResponse(view.Folder, view.Trail, items, listed.Total, query.Page, query.Query.Take));
    }

    private static async Task<Results<Ok<FolderItem>, ProblemHttpResult>> UpdateFolder(
        Guid id, MoveRequest request, ClaimsPrincipal user, TreeService tree,
        [FromQuery, Description(Conflicts)] string? conflict, CancellationToken cancellationToken)
    {
        if (!TreeRules.TryParseConflict(conflict, out var rule))
        {
            return BadConflict();
        }

        if (!TryDestination(request.ParentId, out var destination))
        {
            return Problem(new TreeError(TreeErrorKind.Invalid, "parentId is a folder id, \"root\" or null."));
        }

        var result = await tree.UpdateFolderAsync(OwnerId(user), id, request.Name, destination, rule, cancellationToken);
        return result.Value is { } folder ? TypedResults.Ok(folder) : Problem(result.Error!);
    }

    private static async Task<Results<Ok<FileItem>, ProblemHttpResult>> UpdateFile(
        Guid id, MoveRequest request, ClaimsPrincipal user, TreeService tree,
        [FromQuery, Description(Conflicts)] string? conflict, CancellationToken cancellationToken)
    {
        if (!TreeRules.TryParseConflict(conflict, out var rule))
        {
            return BadConflict();
        }

        if (!TryDestination(request.FolderId, out var destination))
        {
            return Problem(new TreeError(TreeErrorKind.Invalid, "folderId is a folder id, \"root\" or null."));
        }

        var result = await tree.UpdateFileAsync(OwnerId(user), id, request.Name, destination, rule, cancellationToken);
        return result.Value is { } file ? TypedResults.Ok(file) : Problem(result.Error!);
    }

    private static async Task<Results<NoContent, NotFound>> TrashFolder(Guid id, ClaimsPrincipal user, TreeService tree, CancellationToken cancellationToken) =>
        await tree.TrashFolderAsync(OwnerId(user), id, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Ok<IReadOnlyList<TrashItem>>> ListTrash(ClaimsPrincipal user, TreeService tree, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tree.ListTrashAsync(OwnerId(user), cancellationToken));

    private static async Task<Results<Ok<TrashItem>, ProblemHttpResult>> Restore(Guid id, ClaimsPrincipal user, TreeService tree, CancellationToken cancellationToken)
    {
        var result = await tree.RestoreAsync(OwnerId(user), id, cancellationToken);
        return result.Value is { } restored ? TypedResults.Ok(restored) : Problem(result.Error!);
    }

    private static async Task<Results<NoContent, NotFound>> DeleteForever(Guid id, ClaimsPrincipal user, TreeService tree, CancellationToken cancellationToken) =>
        await tree.DeleteForeverAsync(OwnerId(user), id, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<NoContent> EmptyTrash(ClaimsPrincipal user, TreeService tree, CancellationToken cancellationToken)
    {
        await tree.EmptyTrashAsync(OwnerId(user), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<IReadOnlyList<VersionItem>>, NotFound>> ListVersions(Guid id, ClaimsPrincipal user, VersionService versions, CancellationToken cancellationToken) =>
        await versions.ListAsync(OwnerId(user), id, cancellationToken) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound();

    private static async Task<Results<FileDownloadResult, NotFound>> DownloadVersion(
        Guid id, Guid versionId, ClaimsPrincipal user, VersionService versions, CancellationToken cancellationToken) =>
        await versions.OpenAsync(OwnerId(user), id, versionId, cancellationToken) is { } content ? FileDownload.Create(content) : TypedResults.NotFound();

    private static async Task<Results<Ok<FileItem>, NotFound>> RestoreVersion(
        Guid id, Guid versionId, ClaimsPrincipal user, VersionService versions, CancellationToken cancellationToken) =>
        await versions.RestoreAsync(OwnerId(user), id, versionId, cancellationToken) is { } file ? TypedResults.Ok(file) : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound>> DeleteVersion(
        Guid id, Guid versionId, ClaimsPrincipal user, VersionService versions, CancellationToken cancellationToken) =>
        await versions.DeleteAsync(OwnerId(user), id, versionId, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static Task ZipSelection(ZipRequest request, ClaimsPrincipal user, ZipDownload zip, HttpContext context) =>
        Zip(user, zip, request.FolderIds ?? [], request.FileIds ?? [], false, context);

    private static async Task Zip(ClaimsPrincipal user, ZipDownload zip, IReadOnlyCollection<Guid> folderIds, IReadOnlyCollection<Guid> fileIds, bool wholeDrive, HttpContext context)
    {
        if (!wholeDrive && folderIds.Count + fileIds.Count == 0)
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Nothing to download.", detail: "Name at least one file or folder.").ExecuteAsync(context);
            return;
        }

        var plan = await zip.PlanAsync(OwnerId(user), folderIds, fileIds, wholeDrive, context.RequestAborted);
        if (plan is null)
        {
            await TypedResults.NotFound().ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = "application/zip";
        context.Response.Headers.ContentDisposition = FileDownload.ContentDisposition(plan.Name);
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "private, no-store";
        // Built while sent: the length is not known up front, so the response is chunked. ZipArchive writes
        // entry headers and the central directory synchronously even from its async API; a buffer in front
        // makes those few larger writes, allowed for this response only.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpBodyControlFeature>() is { } bodyControl)
        {
            bodyControl.AllowSynchronousIO = true;
        }

        // Not disposed: that would dispose the response body under it.
        var buffered = new BufferedStream(context.Response.Body, 256 * 1024);
        await zip.WriteAsync(plan, buffered, context.RequestAborted);
        await buffered.FlushAsync(context.RequestAborted);
    }

    private static bool TryDestination(JsonElement value, out Destination? destination)
    {
        destination = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.Undefined:
                return true;
            case JsonValueKind.Null:
                destination = new Destination(null);
                return true;
            case JsonValueKind.String when value.GetString() is "root":
                destination = new Destination(null);
                return true;
            case JsonValueKind.String when Guid.TryParse(value.GetString(), out var id):
                destination = new Destination(id);
                return true;
            default:
                return false;
        }
    }

    private static ProblemHttpResult Problem(TreeError error) => TypedResults.Problem(
        statusCode: error.Kind switch
        {
            TreeErrorKind.NotFound => StatusCodes.Status404NotFound,
            TreeErrorKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        },
        title: error.Kind switch
        {
            TreeErrorKind.NotFound => "Not found.",
            TreeErrorKind.Conflict => "That would clash.",
            _ => "The request was refused.",
        },
        detail: error.Message);

    private static ProblemHttpResult BadConflict() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request was refused.", detail: "conflict is rename, replace or fail.");

    private static NotFound NotFoundId(string id) => TypedResults.NotFound();

    private static string OwnerId(ClaimsPrincipal user) => user.GetRequiredUserId();
}
