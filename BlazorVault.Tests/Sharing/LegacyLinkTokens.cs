using System.Security.Claims;
using BlazorVault.Accounts;
using BlazorVault.Sharing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BlazorVault.Tests.Sharing;

/// <summary>
/// The token that was a link's whole URL (<c>/s/{token}</c>) before short URLs, made exactly as the app made
/// it then, so that tests can check that links already handed out keep working.
/// </summary>
public static class LegacyLinkTokens
{
    public static string Create(IServiceProvider services, ShareLinkInfo link)
    {
        var keys = services.GetRequiredKeyedService<SigningKeyRing>(LinkTokenService.Audience);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "BlazorVault",
            Audience = LinkTokenService.Audience,
            IssuedAt = link.CreatedAt.UtcDateTime,
            Expires = link.ExpiresAt.UtcDateTime,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, link.FileId!.Value.ToString()),
                new Claim(JwtRegisteredClaimNames.Jti, link.Id.ToString()),
            ]),
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.HmacSha256),
        });
    }
}
