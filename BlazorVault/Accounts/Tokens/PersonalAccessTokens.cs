using System.Security.Cryptography;
using System.Text;
using BlazorVault.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Accounts.Tokens;

public sealed record TokenCreation(PersonalAccessToken? Token, string? Secret, string? Error);

public enum TokenOutcome
{
    Valid,
    Unknown,
    Expired,
    AccountRefused,
}

public sealed record TokenCheck(TokenOutcome Outcome, PersonalAccessToken? Token = null, VaultUser? User = null, string? Reason = null);

/// <summary>Makes, lists, revokes and checks personal access tokens (<c>bvpat_</c> + 256 random bits, base64url).</summary>
public sealed class PersonalAccessTokens(
    IDbContextFactory<VaultDbContext> databases,
    IOptions<IdentityOptions> identity,
    TimeProvider clock)
{
    public const string Prefix = "bvpat_";

    public const int MaxNameLength = 100;

    public const int MaxTokensPerUser = 50;

    /// <summary>Claims of a principal that a personal access token yields: the token's id and each of its scopes.</summary>
    public const string TokenIdClaim = "vault:pat";

    public const string ScopeClaim = "scope";

    // The prefix and 43 base64url characters (32 bytes).
    private const int SecretLength = 49;

    /// <summary>The last-used time moves at most this often: one write a minute per busy token, not one per request.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public static string NameOf(ApiScopes scope) => scope switch
    {
        ApiScopes.Read => "read",
        ApiScopes.Write => "write",
        ApiScopes.Share => "share",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "One scope at a time."),
    };

    public static IEnumerable<ApiScopes> Each(ApiScopes scopes) =>
        new[] { ApiScopes.Read, ApiScopes.Write, ApiScopes.Share }.Where(s => scopes.HasFlag(s));

    /// <summary>Whether a bearer credential is meant as a personal access token (rather than a JWT).</summary>
    public static bool LooksLikeToken(string credential) => credential.StartsWith(Prefix, StringComparison.Ordinal);

    public async Task<TokenCreation> CreateAsync(string userId, string? name, ApiScopes scopes, TimeSpan? lifetime, CancellationToken cancellationToken = default)
    {
        name = name?.Trim() ?? "";
        if (name.Length == 0)
        {
            return new TokenCreation(null, null, "Give the token a name, so that you know later what uses it.");
        }

        if (name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            return new TokenCreation(null, null, $"Token names have at most {MaxNameLength} characters, without control characters.");
        }

        if (scopes == ApiScopes.None || (scopes & ~(ApiScopes.Read | ApiScopes.Write | ApiScopes.Share)) != 0)
        {
            return new TokenCreation(null, null, "Choose at least one of read, write and share.");
        }

        if (lifetime is { } span && span <= TimeSpan.Zero)
        {
            return new TokenCreation(null, null, "The expiry must be in the future.");
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await db.AccessTokens.CountAsync(t => t.UserId == userId, cancellationToken) >= MaxTokensPerUser)
        {
            return new TokenCreation(null, null, $"You have {MaxTokensPerUser} tokens, the most there can be: revoke one you no longer use first.");
        }

        var now = clock.GetUtcNow();
        var secret = Prefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var token = new PersonalAccessToken
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            Name = name,
            Hash = HashOf(secret),
            Hint = secret[^4..],
            Scopes = scopes,
            CreatedAt = now,
            ExpiresAt = lifetime is { } life ? now + life : null,
        };
        db.AccessTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        return new TokenCreation(token, secret, null);
    }

    /// <summary>The user's tokens, newest first, expired ones included (they show as expired until revoked).</summary>
    public async Task<IReadOnlyList<PersonalAccessToken>> ListAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var tokens = await db.AccessTokens.AsNoTracking().Where(t => t.UserId == userId).ToListAsync(cancellationToken);
        return [.. tokens.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id)];
    }

    /// <summary>Ends one of the user's tokens; false when it is not one of theirs (or already gone).</summary>
    public async Task<bool> RevokeAsync(string userId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.AccessTokens.Where(t => t.Id == id && t.UserId == userId).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>Ends all of the user's tokens (a password change does).</summary>
    public async Task<int> RevokeAllAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.AccessTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// The token a secret names, and its user, when both may be used now: one lookup by hash joined to the
    /// user's row per request, no cache, so a revoked token or a disabled account stops at its next request.
    /// </summary>
    public async Task<TokenCheck> CheckAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (secret.Length != SecretLength || !LooksLikeToken(secret))
        {
            return new TokenCheck(TokenOutcome.Unknown);
        }

        var hash = HashOf(secret);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var found = await db.AccessTokens.AsNoTracking()
            .Where(t => t.Hash == hash)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new { Token = t, User = u })
            .FirstOrDefaultAsync(cancellationToken);
        // The lookup went by hash; comparing in constant time as well costs nothing.
        if (found is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(found.Token.Hash), Encoding.ASCII.GetBytes(hash)))
        {
            return new TokenCheck(TokenOutcome.Unknown);
        }

        var now = clock.GetUtcNow();
        if (found.Token.ExpiresAt is { } expires && expires <= now)
        {
            return new TokenCheck(TokenOutcome.Expired, found.Token);
        }

        if (AccountStanding.Refusal(found.User, now, identity.Value) is { } reason)
        {
            return new TokenCheck(TokenOutcome.AccountRefused, found.Token, Reason: reason);
        }

        if (found.Token.LastUsedAt is not { } last || last <= now - LastUsedResolution)
        {
            var before = now - LastUsedResolution;
            var id = found.Token.Id;
            // Conditional: of many requests at once, one writes.
            await db.AccessTokens
                .Where(t => t.Id == id && (t.LastUsedAt == null || t.LastUsedAt <= before))
                .ExecuteUpdateAsync(t => t.SetProperty(x => x.LastUsedAt, now), cancellationToken);
        }

        return new TokenCheck(TokenOutcome.Valid, found.Token, found.User);
    }

    internal static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
