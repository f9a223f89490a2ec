using System.Security.Claims;
using BlazorVault.Accounts.Tokens;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Accounts;

/// <summary>
/// The signed-in user's own account changes. Each changes the security stamp, which ends every other
/// session and short-lived API token of the user at once; the browser that made the change gets a new
/// session (<see cref="SignInManager{TUser}.RefreshSignInAsync"/>), so it stays signed in.
/// </summary>
public sealed class AccountChanges(
    UserManager<VaultUser> users,
    SignInManager<VaultUser> signIn,
    PersonalAccessTokens accessTokens,
    UserSessions sessions,
    ILogger<AccountChanges> logger)
{
    /// <summary>
    /// Changes the password when <paramref name="currentPassword"/> is right. Personal access tokens end too:
    /// a password change often follows a compromise, and a token is as good as the password for the API.
    /// </summary>
    public async Task<IdentityResult> ChangePasswordAsync(ClaimsPrincipal principal, string currentPassword, string newPassword)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return IdentityResult.Failed(new IdentityError { Code = "NoUser", Description = "Your account no longer exists." });
        }

        // Whoever holds an open session must not get to guess the password without limit either.
        if (await users.IsLockedOutAsync(user))
        {
            return IdentityResult.Failed(new IdentityError { Code = "LockedOut", Description = "Too many wrong passwords: try again in a few minutes." });
        }

        var result = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch)))
            {
                await users.AccessFailedAsync(user);
            }

            return result;
        }

        await users.ResetAccessFailedCountAsync(user);

        var revoked = await accessTokens.RevokeAllAsync(user.Id);
        await signIn.RefreshSignInAsync(user);
        await sessions.RemoveStaleAsync(user.Id, user.SecurityStamp ?? "");
        logger.LogInformation("User {UserId} changed their password; {Tokens} personal access tokens revoked", user.Id, revoked);
        return result;
    }

    /// <summary>Renames the user, under the rules registration applies (allowed characters, unique).</summary>
    public async Task<IdentityResult> ChangeUserNameAsync(ClaimsPrincipal principal, string userName)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return IdentityResult.Failed(new IdentityError { Code = "NoUser", Description = "Your account no longer exists." });
        }

        if (string.Equals(user.UserName, userName, StringComparison.Ordinal))
        {
            return IdentityResult.Success;
        }

        var result = await users.SetUserNameAsync(user, userName);
        if (result.Succeeded)
        {
            await signIn.RefreshSignInAsync(user);
            await sessions.RemoveStaleAsync(user.Id, user.SecurityStamp ?? "");
            logger.LogInformation("User {UserId} changed their user name", user.Id);
        }

        return result;
    }
}
