using BlazorVault.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BlazorVault.Sharing;

/// <summary>
/// Link passwords: hashed with the app's bcrypt hasher (<see cref="BcryptPasswordHasher"/>), and checked so
/// that every check costs one bcrypt verification, whether the link exists, has a password or not
/// (<see cref="DecoyPasswordHash"/>). bcrypt's own comparison of the hashes takes constant time.
/// </summary>
public sealed class LinkPasswords(IOptions<VaultOptions> options, DecoyPasswordHash decoy)
{
    public const int MinLength = 8;

    public const int MaxLength = 256;

    private static readonly VaultUser Nobody = new();

    private readonly BcryptPasswordHasher _hasher = new(options);

    /// <summary>Why a new password cannot be used; null when it can.</summary>
    public static string? Problem(string password) =>
        password.Length < MinLength || password.Length > MaxLength
            ? $"A link password has {MinLength} to {MaxLength} characters."
            : null;

    public string Hash(string password) => _hasher.HashPassword(Nobody, password);

    /// <summary>Whether <paramref name="password"/> is the one <paramref name="hash"/> was made of; with no hash, a decoy check that is always false.</summary>
    public bool Verify(string? hash, string? password)
    {
        var against = hash ?? decoy.HashWith(_hasher);
        var result = _hasher.VerifyHashedPassword(Nobody, against, password ?? "");
        return hash is not null && result != PasswordVerificationResult.Failed;
    }
}
