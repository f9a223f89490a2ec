using System.Globalization;
using BlazorVault.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Accounts.TwoFactor;

/// <summary>
/// Identity's authenticator token provider with two changes: the window is one step either side of
/// the app's clock (not three), and a code is good once. The last accepted step is a row in the user
/// tokens table, moved forward by one conditional update, so of two requests with the same code (or
/// an older one) only one gets through, on any app process.
/// </summary>
public sealed class AuthenticatorCodes(IDbContextFactory<VaultDbContext> databases, TimeProvider clock)
    : AuthenticatorTokenProvider<VaultUser>
{
    public const string LoginProvider = "[BlazorVault]";
    public const string LastStepName = "AuthenticatorLastStep";

    public override async Task<bool> ValidateAsync(string purpose, string token, UserManager<VaultUser> manager, VaultUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (key is null || Base32.Decode(key) is not { Length: > 0 } keyBytes)
        {
            return false;
        }

        return Totp.MatchingStep(keyBytes, token, clock.GetUtcNow()) is { } step && await ClaimStepAsync(user.Id, step);
    }

    private async Task<bool> ClaimStepAsync(string userId, long step)
    {
        // Fixed width, so that text order is number order on both databases.
        var value = step.ToString("D20", CultureInfo.InvariantCulture);
        await using var db = await databases.CreateDbContextAsync();
        var moved = await db.UserTokens
            .Where(t => t.UserId == userId && t.LoginProvider == LoginProvider && t.Name == LastStepName
                && (t.Value == null || string.Compare(t.Value, value) < 0))
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.Value, value));
        if (moved == 1)
        {
            return true;
        }

        if (await db.UserTokens.AnyAsync(t => t.UserId == userId && t.LoginProvider == LoginProvider && t.Name == LastStepName))
        {
            // This step or a later one was used already.
            return false;
        }

        db.UserTokens.Add(new IdentityUserToken<string> { UserId = userId, LoginProvider = LoginProvider, Name = LastStepName, Value = value });
        try
        {
            await db.SaveChangesAsync();
            return true;
        }
        catch (DbUpdateException)
        {
            // Another request inserted the first row at the same moment: it used the code.
            return false;
        }
    }
}
