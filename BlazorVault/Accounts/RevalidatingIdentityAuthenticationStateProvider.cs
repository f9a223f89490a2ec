using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace BlazorVault.Accounts;

// A circuit outlives the request that opened it. SessionCircuitHandler asks the database before each of
// its actions whether its session still stands; this asks every minute as well, so that an idle page
// whose session ended stops showing the user's files too.
internal sealed class RevalidatingIdentityAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        DatabaseTicketStore sessions)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        if (authenticationState.User.FindFirstValue(DatabaseTicketStore.SessionIdClaim) is not { } session)
        {
            return false;
        }

        try
        {
            return await sessions.IsActiveAsync(session, cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            // The app is shutting down under an open circuit: nothing left to sign in to.
            return false;
        }
    }
}
