using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace BlazorVault.Accounts;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The user id from a session cookie (name identifier) or a bearer token (<c>sub</c>).</summary>
    public static string? GetUserId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? principal.FindFirstValue(JwtRegisteredClaimNames.Sub);

    /// <summary>
    /// The user id where an authorization policy already guaranteed a signed-in user: a principal
    /// without one is a bug (500), never a 404.
    /// </summary>
    public static string GetRequiredUserId(this ClaimsPrincipal principal) =>
        principal.GetUserId() ?? throw new InvalidOperationException("The signed-in user has no id claim.");
}
