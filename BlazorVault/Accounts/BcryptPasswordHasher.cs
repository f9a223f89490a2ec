using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using BC = BCrypt.Net.BCrypt;

namespace BlazorVault.Accounts;

/// <summary>
/// bcrypt password hashes. bcrypt reads at most 72 bytes of its input, so the password is first
/// reduced with SHA-384 (base64, 64 bytes): two passwords that share their first 72 bytes still
/// hash differently, and no NUL byte can cut the input short.
/// </summary>
public sealed class BcryptPasswordHasher(IOptions<VaultOptions> options) : IPasswordHasher<VaultUser>
{
    private const BCrypt.Net.HashType PreHash = BCrypt.Net.HashType.SHA384;

    private int WorkFactor => options.Value.Passwords.BcryptWorkFactor;

    public string HashPassword(VaultUser user, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return BC.EnhancedHashPassword(password, PreHash, WorkFactor);
    }

    public PasswordVerificationResult VerifyHashedPassword(VaultUser user, string hashedPassword, string providedPassword)
    {
        if (string.IsNullOrEmpty(hashedPassword) || providedPassword is null)
        {
            return PasswordVerificationResult.Failed;
        }

        bool verified;
        try
        {
            verified = BC.EnhancedVerify(providedPassword, hashedPassword, PreHash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            // Not a bcrypt hash at all (for example a row written by another hasher).
            return PasswordVerificationResult.Failed;
        }

        if (!verified)
        {
            return PasswordVerificationResult.Failed;
        }

        // Identity rehashes and saves on the next successful sign-in when asked to.
        return BC.PasswordNeedsRehash(hashedPassword, WorkFactor)
            ? PasswordVerificationResult.SuccessRehashNeeded
            : PasswordVerificationResult.Success;
    }
}
