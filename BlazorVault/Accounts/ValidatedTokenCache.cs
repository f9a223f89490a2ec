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
    public const int MaxEntries = ExpiringMap<TokenValidationResult>.MaxEntries;

    private readonly ExpiringMap<TokenValidationResult> _valid = new();

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        var now = clock.GetUtcNow();
        if (token is not null && _valid.TryGet(token, now, out var known))
        {
            return CopyOf(known);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && token is not null && result.SecurityToken is JsonWebToken jwt && result.ClaimsIdentity is not null)
        {
            // Remembered until it expires, as the validator judged it (without the clock skew's grace).
            _valid.Set(token, result, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), now);
            return CopyOf(result);
        }

        return result;
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
