using System.Security.Claims;
using BlazorVault.Accounts;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BlazorVault.Sharing;

/// <summary>What a share token is for.</summary>
public enum LinkTokenUse
{
    /// <summary>The long token that was the whole URL of a link handed out before short URLs.</summary>
    Link,

    /// <summary>A short-lived grant minted after the link's checks (<see cref="LinkTokenService.CreateDownloadGrant"/>).</summary>
    Download,

    /// <summary>The proof that its holder gave the link's password (<see cref="LinkTokenService.CreatePasswordProof"/>).</summary>
    PasswordProof,
}

/// <summary>The claims a valid share token carries.</summary>
/// <param name="PasswordVersion">The link's <see cref="ShareLink.PasswordVersion"/> when the token was minted (0 for old links' tokens).</param>
public sealed record LinkClaims(Guid LinkId, Guid FileId, LinkTokenUse Use, int PasswordVersion = 0)
{
    public bool IsDownloadGrant => Use == LinkTokenUse.Download;
}

/// <summary>
/// Signs and checks share-link tokens: JWTs with HS256 only, issuer, audience <c>share</c>,
/// <c>sub</c> = file id, <c>jti</c> = link id and <c>exp</c>. A token that fails any check is
/// rejected before the database is asked anything.
/// <para>Two kinds: the short-lived download grant minted for a short link (<c>/s/{id}</c>) after its
/// checks, with <c>use</c> = <c>download</c>; and, still accepted, the token that was the whole URL of
/// links handed out before short URLs (no <c>use</c>, <c>exp</c> = the link's expiry). A link with a password
/// also has proofs (<c>use</c> = <c>password</c>), minted when its password was given; grants and proofs carry
/// the link's password version (<c>pwv</c>), so that a new password ends them.</para>
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

    /// <summary>The claim with the link's password version.</summary>
    public const string PasswordVersionClaim = "pwv";

    private const string DownloadUse = "download";

    private const string PasswordUse = "password";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };

    // Tokens whose signature and lifetime checked out, with what they say: none of that can change for a given
    // token string. Kept at most until the token expires, and no longer than the key ring's own cache may lag
    // behind a retired key (SigningKeyRing.RefreshInterval). What can change (the link, its password) is read
    // from the database on every use, after this.
    private readonly BlazorVault.Accounts.ExpiringMap<LinkClaims> _valid = new();

    /// <summary>
    /// A download grant for a link that passed its checks: signed by the newest key, valid until
    /// <paramref name="expires"/> (never later than the link itself).
    /// </summary>
    public string CreateDownloadGrant(ShareLink link, DateTimeOffset expires) => Create(link, expires, DownloadUse);

    /// <summary>A download grant for one file of a folder link (<c>sub</c> = that file), after the link's checks.</summary>
    public string CreateDownloadGrant(ShareLink link, Guid fileId, DateTimeOffset expires) => Create(link, expires, DownloadUse, fileId);

    /// <summary>
    /// The proof that a visitor gave the link's password: valid until <paramref name="expires"/> (never later
    /// than the link), for this link and its current password only.
    /// </summary>
    public string CreatePasswordProof(ShareLink link, DateTimeOffset expires) => Create(link, expires, PasswordUse);

    private string Create(ShareLink link, DateTimeOffset expires, string use, Guid? subject = null)
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
                new Claim(JwtRegisteredClaimNames.Sub, (subject ?? link.FileId ?? link.FolderId ?? Guid.Empty).ToString()),
                new Claim(JwtRegisteredClaimNames.Jti, link.Id.ToString()),
                new Claim(UseClaim, use),
                new Claim(PasswordVersionClaim, link.PasswordVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer32),
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

        var now = clock.GetUtcNow();
        if (_valid.TryGet(token, now, out var known))
        {
            return known;
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
            var use = result.Claims.TryGetValue(UseClaim, out var claimed) ? claimed as string : null;
            var version = result.Claims.TryGetValue(PasswordVersionClaim, out var pwv) ? pwv switch
            {
                int number => number,
                long number => (int)number,
                string text when int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var number) => number,
                _ => -1,
            } : 0;
            LinkTokenUse? kind = use switch
            {
                null => LinkTokenUse.Link,
                DownloadUse => LinkTokenUse.Download,
                PasswordUse => LinkTokenUse.PasswordProof,
                _ => null,
            };
            if (kind is { } tokenUse && version >= 0 && result.SecurityToken is JsonWebToken jwt)
            {
                var claims = new LinkClaims(linkId, fileId, tokenUse, version);
                var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
                _valid.Set(token, claims, expires < now + SigningKeyRing.RefreshInterval ? expires : now + SigningKeyRing.RefreshInterval, now);
                return claims;
            }
        }

        logger.LogInformation("Share token refused: missing or malformed sub/jti");
        return null;
    }
}
