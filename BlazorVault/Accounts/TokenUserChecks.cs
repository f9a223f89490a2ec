using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace BlazorVault.Accounts;

/// <summary>
/// An API access token's user check (<see cref="ApiTokenService.CheckUserAsync"/>: the user exists, may sign in,
/// and has the stamp the token was issued under) made by the endpoint's own statement instead of a read of its
/// own, for an endpoint that reads a row of that user anyway: an owner's download joins the user's row to the
/// file's. The database still decides, on every request, in that one statement; nothing is remembered.
/// <para>
/// The token handler hands the check over (<see cref="Pending"/>) only to an endpoint marked with
/// <see cref="ChecksTokenUserInItsRead"/>, and such an endpoint must make it before it answers
/// (<see cref="Refused"/>): a test walks every marked endpoint with a disabled user's token.
/// </para>
/// </summary>
public static class TokenUserChecks
{
    /// <summary>Marks an endpoint that makes the token's user check in its own read (<see cref="PendingFor"/>, <see cref="Refused"/>).</summary>
    public static TBuilder ChecksTokenUserInItsRead<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(InItsRead.Instance);

    /// <summary>The check an endpoint owes: the token's user and the stamp digest the token carries.</summary>
    public sealed record Pending(string UserId, string Stamp);

    /// <summary>The check the token handler left to this request's endpoint; null when it made the check itself (or there is no token).</summary>
    public static Pending? PendingFor(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<Pending>();
    }

    /// <summary>
    /// The endpoint's half: null when the token's user stands (<paramref name="user"/> as the endpoint's statement
    /// read it, null for a user that is gone), else the answer the token handler gives a refused token.
    /// </summary>
    public static UnauthorizedHttpResult? Refused(HttpContext context, Pending pending, UserStanding? user)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(pending);
        if (ApiTokenService.Refusal(user, pending.Stamp, context.RequestServices) is not { } refusal)
        {
            return null;
        }

        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TokenUserChecks))
            .LogInformation("Bearer token of user {UserId} refused: {Reason}", pending.UserId, refusal);
        // What JwtBearerHandler's challenge says of a token its validation event failed.
        context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer error=\"invalid_token\"";
        return TypedResults.Unauthorized();
    }

    /// <summary>The token handler's half: leaves the check to the endpoint when it is marked; false when it is not.</summary>
    internal static bool TryDefer(HttpContext context, string userId, string stamp)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<InItsRead>() is null)
        {
            return false;
        }

        context.Features.Set(new Pending(userId, stamp));
        return true;
    }

    internal sealed class InItsRead
    {
        public static readonly InItsRead Instance = new();
    }
}
