using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Extensions.Options;

namespace BlazorVault.Accounts;

public sealed record AccessToken(string Token, TimeSpan Lifetime);

/// <summary>Issues and describes the validation of API access tokens (JWT, HS256, audience <c>api</c>).</summary>
public sealed class ApiTokenService(
    [FromKeyedServices(ApiTokenService.Audience)] SigningKeyRing keys,
    IOptions<VaultOptions> options,
    TimeProvider clock)
{
    public const string Audience = "api";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    private TokenSettings Settings => options.Value.Tokens;

    public AccessToken Create(VaultUser user)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var lifetime = Settings.AccessTokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Settings.Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, user.Id),
                new Claim(JwtRegisteredClaimNames.Name, user.UserName ?? ""),
                new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
            ]),
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.HmacSha256),
        });
        return new AccessToken(token, lifetime);
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Settings.Issuer,
        ValidAudience = Audience,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        // Resolved per token, by kid: a key made by another process since the last refresh is looked up.
        IssuerSigningKeyResolver = (_, _, kid, _) => keys.ValidationKeysFor(kid),
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = JwtRegisteredClaimNames.Name,
    };
}
