using System.Security.Claims;
using BlazorVault.Accounts;
using BlazorVault.Accounts.Tokens;
using BlazorVault.Sharing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BlazorVault.Notifications;

/// <param name="Kind"><c>downloadCompleted</c> or <c>fileReceived</c>.</param>
/// <param name="LinkKind"><c>file</c>, <c>folder</c> or <c>upload</c>.</param>
/// <param name="Subject">The shared file's or folder's name (a file request's target folder's) when it happened; null for the drive's root.</param>
/// <param name="FolderId">The folder of your drive it concerns (the file's, the shared one, the request's target); null for the root.</param>
/// <param name="Bytes">The bytes sent or received (for several, all of them).</param>
/// <param name="Browser">The visitor's browser family (for several, the last one's).</param>
/// <param name="Text">The notification as the app words it.</param>
/// <param name="Count">How many downloads or received files it tells of: a burst on one link (within about a second) is one notification.</param>
public sealed record NotificationResponse(
    Guid Id, string Kind, DateTimeOffset At, Guid LinkId, string LinkKind, string? Subject, Guid? FolderId, long? Bytes, string Browser,
    DateTimeOffset? ReadAt, string Text, int Count);

/// <param name="Total">How many match (all, or the unread ones with <c>unread=true</c>).</param>
/// <param name="Unread">How many of yours are unread.</param>
public sealed record NotificationListResponse(NotificationResponse[] Items, int Total, int Unread, int Page, int PageSize);

/// <summary>Either <c>ids</c> (at most 1000) or <c>all: true</c>.</summary>
public sealed record MarkReadRequest(Guid[]? Ids, bool? All);

/// <param name="Marked">How many of the given (or all) unread notifications became read.</param>
/// <param name="Unread">How many of yours are still unread.</param>
public sealed record MarkReadResponse(int Marked, int Unread);

/// <summary>A user's notifications about their links: list them, mark them read (bearer token).</summary>
internal static class NotificationEndpoints
{
    public const int MaxPageSize = 200;

    public static RouteGroupBuilder MapNotificationApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/notifications")
            .RequireAuthorization(AccountsExtensions.ApiPolicy)
            .DisableAntiforgery()
            .WithTags("Notifications");
        api.MapGet("", List).RequireScope(ApiScopes.Read).WithName("ListNotifications")
            .WithSummary("Your notifications (downloads through your links, files your requests received), newest first; unread=true for the unread ones.");
        api.MapPost("/read", MarkRead).RequireScope(ApiScopes.Write).WithName("MarkNotificationsRead")
            .WithSummary("Marks the given notifications, or all of them, read.")
            .Accepts<MarkReadRequest>("application/json")
            .ProducesValidationProblem();
        return api;
    }

    public static async Task<Results<Ok<NotificationListResponse>, ValidationProblem>> List(
        ClaimsPrincipal user, NotificationStore store, CancellationToken cancellationToken, bool unread = false, int page = 1, int pageSize = 50)
    {
        if (page < 1 || page > 1_000_000)
        {
            return Invalid("page", "Pages count from 1.");
        }

        if (pageSize < 1 || pageSize > MaxPageSize)
        {
            return Invalid("pageSize", $"A page has 1 to {MaxPageSize} entries.");
        }

        var listed = await store.PageAsync(user.GetRequiredUserId(), unread, (page - 1) * pageSize, pageSize, cancellationToken);
        return TypedResults.Ok(new NotificationListResponse([.. listed.Items.Select(ToResponse)], listed.Total, listed.Unread, page, pageSize));
    }

    public static async Task<Results<Ok<MarkReadResponse>, ValidationProblem>> MarkRead(
        MarkReadRequest? request, ClaimsPrincipal user, NotificationStore store, CancellationToken cancellationToken)
    {
        var all = request?.All == true;
        var ids = request?.Ids;
        if (all == (ids is not null))
        {
            return Invalid("ids", "Send either ids (the notifications to mark read) or all: true.");
        }

        if (ids is { Length: > NotificationStore.MaxIdsPerMark })
        {
            return Invalid("ids", $"At most {NotificationStore.MaxIdsPerMark} ids at a time.");
        }

        var owner = user.GetRequiredUserId();
        var marked = await store.MarkReadAsync(owner, all ? null : ids, cancellationToken);
        return TypedResults.Ok(new MarkReadResponse(marked, await store.UnreadCountAsync(owner, cancellationToken)));
    }

    private static NotificationResponse ToResponse(NotificationItem n) =>
        new(n.Id, n.Kind == NotificationKind.FileReceived ? "fileReceived" : "downloadCompleted", n.At, n.LinkId, n.LinkKind switch
        {
            ShareLinkKind.Folder => "folder",
            ShareLinkKind.Upload => "upload",
            _ => "file",
        }, n.Subject, n.FolderId, n.Bytes, n.Browser, n.ReadAt, n.Text, n.Count);

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
