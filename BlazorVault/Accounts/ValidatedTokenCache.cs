using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BlazorVault.Accounts;

/// <summary>
/// The API's token handler: a token whose signature, issuer, audience and lifetime checked out once is
/// not checked again for the rest of its life (up to <see cref="MaxEntries"/> tokens), since none of those
/// can change for a given token string (the app has one set of validation parameters; keys are looked up by
/// id and never change their bytes). What can change (the user, the security stamp) is still checked on
/// every request, after this.
/// Each request gets its own copy of the claims.
/// </summary>
public sealed class ValidatedTokenCache(TimeProvider clock) : JsonWebTokenHandler
{
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _valid = new(StringComparer.Ordinal);

    private sealed record Entry(TokenValidationResult Result, DateTimeOffset Until);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        var now = clock.GetUtcNow();
        if (token is not null && _valid.TryGetValue(token, out var known))
        {
            if (now < known.Until)
            {
                return CopyOf(known.Result);
            }

            _valid.TryRemove(token, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && token is not null && result.SecurityToken is JsonWebToken jwt && result.ClaimsIdentity is not null)
        {
            if (_valid.Count >= MaxEntries)
            {
                Prune(now);
            }

            // Remembered until it expires, as the validator judged it (without the clock skew's grace).
            var until = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
            if (until > now && _valid.Count < MaxEntries)
            {
                _valid[token] = new Entry(result, until);
            }

            return CopyOf(result);
        }

        return result;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (token, entry) in _valid)
        {
            if (entry.Until <= now)
            {
                _valid.TryRemove(token, out _);
            }
        }

        if (_valid.Count >= MaxEntries)
        {
            // Still full of live tokens: start again rather than grow; they are validated anew.
            _valid.Clear();
        }
    }

    private static TokenValidationResult CopyOf(TokenValidationResult result) => new()
    {
        IsValid = true,
        SecurityToken = result.SecurityToken,
        ClaimsIdentity = result.ClaimsIdentity.Clone(),
        Issuer = result.Issuer,
        TokenType = result.TokenType,
        TokenContext = result.TokenContext,
    };
}
