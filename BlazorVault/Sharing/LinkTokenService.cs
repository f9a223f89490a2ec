using System.Security.Claims;
using BlazorVault.Accounts;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BlazorVault.Sharing;

/// <summary>The claims a valid share token carries.</summary>
/// <param name="IsDownloadGrant">True for a short-lived token minted after the link's checks (<see cref="LinkTokenService.CreateDownloadGrant"/>);
/// false for the long token in the URL of a link handed out before short URLs.</param>
public sealed record LinkClaims(Guid LinkId, Guid FileId, bool IsDownloadGrant);

/// <summary>
/// Signs and checks share-link tokens: JWTs with HS256 only, issuer, audience <c>share</c>,
/// <c>sub</c> = file id, <c>jti</c> = link id and <c>exp</c>. A token that fails any check is
/// rejected before the database is asked anything.
/// <para>Two kinds: the short-lived download grant minted for a short link (<c>/s/{id}</c>) after its
/// checks, with <c>use</c> = <c>download</c>; and, still accepted, the token that was the whole URL of
/// links handed out before short URLs (no <c>use</c>, <c>exp</c> = the link's expiry).</para>
/// </summary>
public sealed class LinkTokenService(
    [FromKeyedServices(LinkTokenService.Audience)] SigningKeyRing keys,
    IOptions<VaultOptions> options,
    TimeProvider clock,
    ILogger<LinkTokenService> logger)
{
    public const string Audience = "share";

    /// <summary>The claim that marks a download grant.</summary>
    public const string UseClaim = "use";

    private const string DownloadUse = "download";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };

    /// <summary>
    /// A download grant for a link that passed its checks: signed by the newest key, valid until
    /// <paramref name="expires"/> (never later than the link itself).
    /// </summary>
    public string CreateDownloadGrant(ShareLink link, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(link);
        var until = expires < link.ExpiresAt ? expires : link.ExpiresAt;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Tokens.Issuer,
            Audience = Audience,
            IssuedAt = clock.GetUtcNow().UtcDateTime,
            Expires = until.UtcDateTime,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, link.FileId.ToString()),
                new Claim(JwtRegisteredClaimNames.Jti, link.Id.ToString()),
                new Claim(UseClaim, DownloadUse),
            ]),
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.HmacSha256),
        });
    }

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
            var isGrant = result.Claims.TryGetValue(UseClaim, out var use) && use as string == DownloadUse;
            return new LinkClaims(linkId, fileId, isGrant);
        }

        logger.LogInformation("Share token refused: missing or malformed sub/jti");
        return null;
    }
}
