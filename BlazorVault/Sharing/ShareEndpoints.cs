using System.Security.Claims;
using BlazorVault.Accounts;
using BlazorVault.Accounts.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BlazorVault.Sharing;

public sealed record CreateLinkRequest(double? ExpiresInHours, int? MaxDownloads);

/// <param name="Status"><c>active</c>, <c>usedUp</c> or <c>expired</c>; revoked links are not listed.</param>
public sealed record LinkResponse(Guid Id, string Url, DateTimeOffset ExpiresAt, int? MaxDownloads, int Downloads, DateTimeOffset CreatedAt, string Status);

/// <summary>The owner's API for share links: create, list and revoke (bearer token).</summary>
internal static class ShareEndpoints
{
    public static RouteGroupBuilder MapShareApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api")
            .RequireAuthorization(AccountsExtensions.ApiPolicy)
            .DisableAntiforgery()
            .WithTags("Share links");
        api.MapPost("/files/{id:guid}/links", CreateLink).RequireScope(ApiScopes.Share).WithName("CreateShareLink");
        api.MapGet("/files/{id:guid}/links", ListLinks).RequireScope(ApiScopes.Share).WithName("ListShareLinks");
        api.MapDelete("/links/{id:guid}", RevokeLink).RequireScope(ApiScopes.Share).WithName("RevokeShareLink");
        return api;
    }

    public static async Task<Results<Created<LinkResponse>, NotFound, ValidationProblem>> CreateLink(
        Guid id, CreateLinkRequest? request, ClaimsPrincipal user, ShareLinkService links, ShareUrls urls, HttpRequest http, CancellationToken cancellationToken)
    {
        TimeSpan? lifetime = null;
        if (request?.ExpiresInHours is { } hours)
        {
            if (!double.IsFinite(hours) || hours <= 0 || hours > TimeSpan.MaxValue.TotalHours / 2)
            {
                return Invalid("expiresInHours", "Give the lifetime in hours, a positive number.");
            }

            lifetime = TimeSpan.FromHours(hours);
        }

        var result = await links.CreateAsync(user.GetUserId()!, id, lifetime, request?.MaxDownloads, cancellationToken);
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

    public static async Task<Results<NoContent, NotFound>> RevokeLink(
        Guid id, ClaimsPrincipal user, ShareLinkService links, CancellationToken cancellationToken) =>
        await links.RevokeAsync(user.GetUserId()!, id, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static LinkResponse ToResponse(ShareLinkInfo link, ShareUrls urls, HttpRequest http) =>
        new(link.Id, urls.Of(link, http), link.ExpiresAt, link.MaxDownloads, link.Downloads, link.CreatedAt, link.State switch
        {
            LinkState.UsedUp => "usedUp",
            LinkState.Expired => "expired",
            _ => "active",
        });

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
