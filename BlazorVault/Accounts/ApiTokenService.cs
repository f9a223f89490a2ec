using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
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

    /// <summary>A digest of the user's security stamp when the token was issued: a password change ends the token.</summary>
    public const string StampClaim = "sst";

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
                new Claim(StampClaim, StampDigest(user.SecurityStamp)),
            ]),
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.HmacSha256),
        });
        return new AccessToken(token, lifetime);
    }

    /// <summary>
    /// After the signature and lifetime: the token's user must still exist, be allowed in
    /// (<see cref="AccountStanding"/>, the test personal access tokens and sessions apply too) and have the
    /// stamp the token was issued under. One primary-key lookup per request, not cached, so a deleted or
    /// disabled account or a changed password ends its tokens at once, on every app instance.
    /// </summary>
    /// <remarks>
    /// An endpoint that reads the user's row anyway may take the check over (<see cref="TokenUserChecks"/>): then
    /// this only hands it the token's user and stamp, and the endpoint's one statement reads both.
    /// </remarks>
    public static async Task CheckUserAsync(TokenValidatedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var id = context.Principal?.FindFirstValue(JwtRegisteredClaimNames.Sub);
        var stamp = context.Principal?.FindFirstValue(StampClaim);
        if (id is not null && stamp is not null && TokenUserChecks.TryDefer(context.HttpContext, id, stamp))
        {
            return;
        }

        var user = id is null ? null : await services.GetRequiredService<UserStandings>().FindAsync(id, context.HttpContext.RequestAborted);
        if (Refusal(user, stamp, services) is { } refusal)
        {
            context.Fail(refusal);
        }
    }

    /// <summary>Why a token of <paramref name="user"/> carrying <paramref name="stamp"/> is refused now; null when it stands.</summary>
    internal static string? Refusal(UserStanding? user, string? stamp, IServiceProvider services)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        return AccountStanding.Refusal(user, now, services.GetRequiredService<IOptions<IdentityOptions>>().Value) is { } refusal ? refusal
            : stamp is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stamp), Encoding.ASCII.GetBytes(KnownStampDigest(user!.SecurityStamp, now)))
                ? "The token was issued before the user's security stamp changed."
            : null;
    }

    // A digest depends on the stamp alone: worked out once per stamp read (a hash per request was about 2% of a download).
    private static readonly ExpiringMap<string> StampDigests = new(4_096);

    private static string KnownStampDigest(string? stamp, DateTimeOffset now)
    {
        if (!StampDigests.TryGet(stamp ?? "", now, out var digest))
        {
            digest = StampDigest(stamp);
            StampDigests.Set(stamp ?? "", digest, DateTimeOffset.MaxValue, now);
        }

        return digest;
    }

    // Hashed: the stamp itself also keys Identity's own tokens (password reset), and a JWT is readable by whoever holds it.
    internal static string StampDigest(string? stamp) =>
        Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(stamp ?? "")).AsSpan(0, 16).ToArray());

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
