using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Accounts;

/// <summary>What every failed sign-in says, whatever failed.</summary>
public static class SignInFailure
{
    public const string Message = "Wrong user name or password. After repeated failures an account stays locked for a while.";
}

/// <summary>
/// The one password check of the sign-in form and the token endpoint. An unknown name, a wrong password
/// and a locked account fail alike and take alike: each runs one bcrypt verification (against a decoy
/// hash for an unknown name, and thrown away for a locked account).
/// </summary>
public sealed class PasswordCheck(
    UserManager<VaultUser> users,
    SignInManager<VaultUser> signIn,
    DecoyPasswordHash decoy,
    ILogger<PasswordCheck> logger)
{
    /// <summary>The user when the password is right and the account may sign in; otherwise null.</summary>
    public async Task<VaultUser?> CheckAsync(string userName, string password)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            users.PasswordHasher.VerifyHashedPassword(DecoyPasswordHash.User, decoy.HashWith(users.PasswordHasher), password);
            return null;
        }

        if (await users.IsLockedOutAsync(user))
        {
            users.PasswordHasher.VerifyHashedPassword(user, user.PasswordHash ?? decoy.HashWith(users.PasswordHasher), password);
            logger.LogInformation("Sign-in refused for {UserId}: locked out", user.Id);
            return null;
        }

        // Counts toward lockout; rehashes an old hash on success.
        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            logger.LogInformation("Sign-in refused for {UserId}: {Reason}", user.Id, result.IsLockedOut ? "locked out" : "wrong password");
            return null;
        }

        return user;
    }
}

/// <summary>A hash of a random password, made once per app by its own hasher, so it costs what a real user's hash costs.</summary>
public sealed class DecoyPasswordHash
{
    internal static readonly VaultUser User = new();

    private string? _hash;

    public string HashWith(IPasswordHasher<VaultUser> hasher) =>
        LazyInitializer.EnsureInitialized(ref _hash, () => hasher.HashPassword(User, RandomNumberGenerator.GetHexString(32)));
}
