using System.Security.Claims;
using BlazorVault.Accounts;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BlazorVault.Sharing;

/// <summary>The claims a valid share token carries.</summary>
public sealed record LinkClaims(Guid LinkId, Guid FileId);

/// <summary>
/// Signs and checks share-link tokens: JWTs with HS256 only, issuer, audience <c>share</c>,
/// <c>sub</c> = file id, <c>jti</c> = link id and <c>exp</c> = the link's expiry. A token that fails
/// any check is rejected before the database is asked anything.
/// </summary>
public sealed class LinkTokenService(
    [FromKeyedServices(LinkTokenService.Audience)] SigningKeyRing keys,
    IOptions<VaultOptions> options,
    TimeProvider clock,
    ILogger<LinkTokenService> logger)
{
    public const string Audience = "share";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };

    /// <summary>The token for a link: signed by the newest key.</summary>
    public string Create(ShareLink link) => _handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = options.Value.Tokens.Issuer,
        Audience = Audience,
        IssuedAt = link.CreatedAt.UtcDateTime,
        Expires = link.ExpiresAt.UtcDateTime,
        Subject = new ClaimsIdentity(
        [
            new Claim(JwtRegisteredClaimNames.Sub, link.FileId.ToString()),
            new Claim(JwtRegisteredClaimNames.Jti, link.Id.ToString()),
        ]),
        SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.HmacSha256),
    });

    /// <summary>The link and file a token names, or null when it is not a valid, unexpired share token.</summary>
    public async Task<LinkClaims?> ValidateAsync(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 4096)
        {
            logger.LogInformation("Share token refused: empty or oversized");
            return null;
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = options.Value.Tokens.Issuer,
            ValidAudience = Audience,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            // Resolved per token, by kid: a key made by another process since the last refresh is looked up.
            IssuerSigningKeyResolver = (_, _, kid, _) => keys.ValidationKeysFor(kid),
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            // Our clock, not the machine's, so that expiry is testable.
            LifetimeValidator = (_, expires, _, _) => expires is { } exp && exp > clock.GetUtcNow().UtcDateTime,
        });

        if (!result.IsValid)
        {
            logger.LogInformation("Share token refused: {Reason}", result.Exception?.GetType().Name ?? "invalid");
            return null;
        }

        if (result.Claims.TryGetValue(JwtRegisteredClaimNames.Jti, out var jti) && Guid.TryParse(jti as string, out var linkId)
            && result.Claims.TryGetValue(JwtRegisteredClaimNames.Sub, out var sub) && Guid.TryParse(sub as string, out var fileId))
        {
            return new LinkClaims(linkId, fileId);
        }

        logger.LogInformation("Share token refused: missing or malformed sub/jti");
        return null;
    }
}
