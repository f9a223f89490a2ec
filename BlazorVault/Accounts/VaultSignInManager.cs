using System.Security.Claims;
using BlazorVault.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Accounts;

/// <summary>
/// Identity's sign-in with the instance's rules: a disabled account cannot sign in by any way (password,
/// a second factor, a passkey), and every sign-in records its time for the admin area.
/// </summary>
public sealed class VaultSignInManager(
    UserManager<VaultUser> users,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<VaultUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<VaultUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<VaultUser> confirmation,
    IDbContextFactory<VaultDbContext> databases,
    TimeProvider clock)
    : SignInManager<VaultUser>(users, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(VaultUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await IsEnabledAsync(user.Id) && await base.CanSignInAsync(user);
    }

    public override async Task<SignInResult> CheckPasswordSignInAsync(VaultUser user, string password, bool lockoutOnFailure)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!await IsEnabledAsync(user.Id))
        {
            // The same bcrypt verification a wrong password costs, so the answer's time does not tell a disabled account apart.
            if (user.PasswordHash is { } hash)
            {
                UserManager.PasswordHasher.VerifyHashedPassword(user, hash, password);
            }

            Logger.LogInformation("Sign-in refused for {UserId}: disabled", user.Id);
            return SignInResult.Failed;
        }

        var result = await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
        if (result.Succeeded)
        {
            await RecordSignInAsync(user.Id);
        }

        return result;
    }

    public override async Task SignInWithClaimsAsync(VaultUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        ArgumentNullException.ThrowIfNull(user);
        await base.SignInWithClaimsAsync(user, authenticationProperties, additionalClaims);
        await RecordSignInAsync(user.Id);
    }

    // From the database, not the tracked entity: an admin may have disabled the account since it was loaded.
    private async Task<bool> IsEnabledAsync(string userId)
    {
        await using var db = await databases.CreateDbContextAsync();
        return await db.Users.AnyAsync(u => u.Id == userId && u.DisabledAt == null);
    }

    private async Task RecordSignInAsync(string userId)
    {
        var now = clock.GetUtcNow();
        await using var db = await databases.CreateDbContextAsync();
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(set => set.SetProperty(u => u.LastSignInAt, now));
    }
}
