using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace BlazorVault.Accounts;

/// <summary>
/// Asks the database before every action an open circuit takes (a click, a keystroke, a JS call back)
/// whether its session still stands: not signed out, the same security stamp, the account not deleted
/// or disabled. When it no longer does, the action does not run, nor any after it, and the page goes to
/// sign-in, with its address to come back to.
/// </summary>
internal sealed class SessionCircuitHandler(
        AuthenticationStateProvider authentication,
        NavigationManager navigation,
        DatabaseTicketStore sessions,
        ILogger<SessionCircuitHandler> logger)
    : CircuitHandler
{
    // No cache, not even for a moment: a sign-out and the click after it in another tab can be
    // milliseconds apart. The price is one primary-key lookup per inbound message (an InputFile chunk too).
    private volatile bool _ended;
    private string? _session;

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(
        Func<CircuitInboundActivityContext, Task> next) => async context =>
    {
        if (await StandsAsync())
        {
            await next(context);
        }
    };

    private async Task<bool> StandsAsync()
    {
        if (_ended)
        {
            return false;
        }

        var state = await authentication.GetAuthenticationStateAsync();
        var session = state.User.FindFirstValue(DatabaseTicketStore.SessionIdClaim);
        if (session is null && _session is null)
        {
            // A circuit that never had a session has none to lose.
            return true;
        }

        // The minute's revalidation may have made the circuit anonymous: its session is what ended.
        _session ??= session;
        try
        {
            if (session is not null && await sessions.IsActiveAsync(session, CancellationToken.None))
            {
                return true;
            }
        }
        catch (ObjectDisposedException)
        {
            // The app is shutting down under an open circuit: nothing left to act on.
            _ended = true;
            return false;
        }

        _ended = true;
        logger.LogInformation("Circuit of {UserId} ended: its session no longer stands", state.User.FindFirstValue(ClaimTypes.NameIdentifier));
        // A full load: the sign-in page is served over HTTP, where the cookie handler clears the dead cookie.
        // The dashboard ("/") is where sign-in goes anyway: then the address is plain "login", the same as the
        // sign-out form's redirect, which a message of this page's circuit can overtake while that form's POST is
        // on its way (the page then ended on either address, by chance). The sign-out page itself is no place to
        // come back to, and it is where that race is run: plain "login" from there too.
        var returnUrl = "/" + navigation.ToBaseRelativePath(navigation.Uri);
        var plain = returnUrl == "/" || returnUrl.Split('?', '#')[0].Equals("/logout", StringComparison.OrdinalIgnoreCase);
        navigation.NavigateTo(plain ? "login" : $"login?returnUrl={Uri.EscapeDataString(returnUrl)}", forceLoad: true, replace: true);
        return false;
    }
}
