using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BlazorVault.Accounts;

/// <summary>
/// The session cookie's own Data Protection payload, decoded once per cookie value: with server-side sessions
/// (<see cref="DatabaseTicketStore"/>) it holds only the session's id, and a given cookie value always decodes to
/// the same. What decides (the session's row, its expiry, the user's stamp) is still read on every request.
/// Entries last as long as the cookie says it does, and at most <see cref="MaxAge"/>.
/// </summary>
public sealed class DecodedCookies(ISecureDataFormat<AuthenticationTicket> inner, TimeProvider clock) : ISecureDataFormat<AuthenticationTicket>
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    private readonly ExpiringMap<AuthenticationTicket> _decoded = new();

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (purpose is not null || string.IsNullOrEmpty(protectedText))
        {
            return inner.Unprotect(protectedText, purpose);
        }

        var now = clock.GetUtcNow();
        if (_decoded.TryGet(protectedText, now, out var known))
        {
            // A copy: the cookie handler changes the properties it is given (sliding expiration).
            return known.Clone();
        }

        var ticket = inner.Unprotect(protectedText);
        if (ticket is not null)
        {
            var until = ticket.Properties.ExpiresUtc is { } expires && expires < now + MaxAge ? expires : now + MaxAge;
            _decoded.Set(protectedText, ticket.Clone(), until, now);
        }

        return ticket;
    }

    /// <summary>
    /// Identity's security-stamp check (a new principal from the user's row, every <see cref="SecurityStampValidatorOptions.ValidationInterval"/>)
    /// builds a UserManager and a SignInManager on every request only to find most of the time that it is not due:
    /// here the cheap "is it due" comes first, with the same rule.
    /// </summary>
    internal static Func<CookieValidatePrincipalContext, Task> WhenStampCheckDue(Func<CookieValidatePrincipalContext, Task> validate) => context =>
    {
        var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value;
        var now = (options.TimeProvider ?? TimeProvider.System).GetUtcNow();
        return context.Properties.IssuedUtc is { } issued && now - issued <= options.ValidationInterval ? Task.CompletedTask : validate(context);
    };
}
