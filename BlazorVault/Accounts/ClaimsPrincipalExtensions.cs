using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace BlazorVault.Accounts;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The user id from a session cookie (name identifier) or a bearer token (<c>sub</c>).</summary>
    public static string? GetUserId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? principal.FindFirstValue(JwtRegisteredClaimNames.Sub);
}
