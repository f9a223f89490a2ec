using Microsoft.AspNetCore.Authorization;

namespace BlazorVault.Accounts.Tokens;

/// <summary>What a personal access token may do. Short-lived tokens from <c>/api/token</c> and the session cookie may do all of it.</summary>
[Flags]
public enum ApiScopes
{
    None = 0,

    /// <summary>GET and HEAD: list, read metadata, download.</summary>
    Read = 1,

    /// <summary>Change the drive: uploads, folders, moves, renames, trash, versions.</summary>
    Write = 2,

    /// <summary>Create, list and revoke share links.</summary>
    Share = 4,
}

/// <summary>Endpoint metadata: the scope a personal access token needs for this endpoint.</summary>
public sealed record RequiredScope(ApiScopes Scope);

/// <summary>
/// Met by every principal that is not a personal access token; a token must carry the endpoint's
/// <see cref="RequiredScope"/>, and an endpoint that declares none admits no token at all.
/// </summary>
public sealed class ScopeRequirement : IAuthorizationRequirement
{
    public static readonly ScopeRequirement Instance = new();
}

internal sealed class ScopeAuthorizationHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (context.User.FindFirst(PersonalAccessTokens.TokenIdClaim) is null)
        {
            context.Succeed(requirement);
        }
        else if ((context.Resource as HttpContext)?.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>() is { Scope: not ApiScopes.None } required
            && context.User.HasClaim(PersonalAccessTokens.ScopeClaim, PersonalAccessTokens.NameOf(required.Scope)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

public static class ApiScopeExtensions
{
    /// <summary>
    /// Declares the scope a personal access token needs here and enforces it. Every <c>/api</c> endpoint
    /// that takes a bearer token declares one (a test walks them all).
    /// </summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, ApiScopes scope)
        where TBuilder : IEndpointConventionBuilder
    {
        if (scope is not (ApiScopes.Read or ApiScopes.Write or ApiScopes.Share))
        {
            throw new ArgumentOutOfRangeException(nameof(scope), scope, "An endpoint needs exactly one scope.");
        }

        return builder.WithMetadata(new RequiredScope(scope)).RequireAuthorization(AccountsExtensions.ScopePolicy);
    }

    /// <summary>Declares that no personal access token may be used here, whatever its scopes (the admin API: a short-lived token only).</summary>
    public static TBuilder RefusePersonalAccessTokens<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredScope(ApiScopes.None)).RequireAuthorization(AccountsExtensions.ScopePolicy);
}
