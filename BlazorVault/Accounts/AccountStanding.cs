using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Accounts;

/// <summary>
/// Whether an account may be used right now: the one test that sessions, API access tokens (JWT) and
/// personal access tokens all apply, on every request. A new reason to refuse an account belongs here.
/// </summary>
public static class AccountStanding
{
    /// <summary>
    /// Disabled is a lock that ends later than failed sign-ins can lock an account
    /// (<see cref="LockoutOptions.DefaultLockoutTimeSpan"/> from now): someone guessing a password may lock
    /// the account against new sign-ins, but must not be able to throw its owner out of open sessions.
    /// </summary>
    public static bool IsDisabled(DateTimeOffset? lockoutEnd, DateTimeOffset now, LockoutOptions lockout) =>
        lockoutEnd is { } end && end > now + lockout.DefaultLockoutTimeSpan;

    /// <summary>Why the account cannot be used, or null when it can: gone, disabled by an admin (<see cref="VaultUser.DisabledAt"/>), or locked for good.</summary>
    public static string? Refusal(VaultUser? user, DateTimeOffset now, IdentityOptions identity) =>
        user is null ? "The user no longer exists."
        : user.DisabledAt is not null || IsDisabled(user.LockoutEnd, now, identity.Lockout) ? "The account is disabled."
        : null;
}
