using System.Globalization;
using System.Security.Cryptography;
using BlazorVault.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Accounts;

/// <summary>What a failed sign-in says. It depends on the name's count of wrong passwords, never on whether the name has an account.</summary>
public static class SignInFailure
{
    public const string Message = "Wrong user name or password.";

    public static string Describe(PasswordCheckResult result) => result switch
    {
        { LockedFor: { } left } => $"Too many wrong passwords: this account is locked for {Span(left)}. Try again then.",
        { AttemptsLeft: 1, LockoutDuration: var lockout } => $"{Message} One more wrong password locks the account for {Span(lockout)}.",
        _ => Message,
    };

    /// <summary>Rounded up to whole minutes (never "0 minutes"); hours and days when long.</summary>
    public static string Span(TimeSpan span)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(span.TotalMinutes));
        return minutes switch
        {
            < 120 => Count(minutes, "minute"),
            < 2 * 24 * 60 => Count((int)Math.Ceiling(minutes / 60.0), "hour"),
            _ => Count((int)Math.Ceiling(minutes / (24 * 60.0)), "day"),
        };
    }

    private static string Count(int n, string unit) => n.ToString(CultureInfo.InvariantCulture) + " " + unit + (n == 1 ? "" : "s");
}

/// <summary>The outcome of a password check: the user when it passed; otherwise how near the name is to a lockout, or how long it has left.</summary>
public sealed record PasswordCheckResult(VaultUser? User, int? AttemptsLeft, TimeSpan? LockedFor, TimeSpan LockoutDuration);

/// <summary>
/// The one password check of the sign-in form and the token endpoint. An unknown name, a wrong password
/// and a locked account take alike: each runs one bcrypt verification (against a decoy hash for an
/// unknown name, and thrown away for a locked account) and one write of the name's failure count.
/// An unknown name counts its wrong passwords and locks exactly like an account
/// (<see cref="UnknownNameLockout"/>), so the warning before a lockout and the lockout say nothing
/// about whether the name exists. A disabled account (locked beyond what wrong passwords can lock)
/// answers like a plain wrong password.
/// </summary>
public sealed class PasswordCheck(
    UserManager<VaultUser> users,
    SignInManager<VaultUser> signIn,
    DecoyPasswordHash decoy,
    IDbContextFactory<VaultDbContext> databases,
    IOptions<IdentityOptions> identity,
    TimeProvider clock,
    ILogger<PasswordCheck> logger)
{
    private LockoutOptions Lockout => identity.Value.Lockout;

    public async Task<PasswordCheckResult> CheckAsync(string userName, string password)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            users.PasswordHasher.VerifyHashedPassword(DecoyPasswordHash.User, decoy.HashWith(users.PasswordHasher), password);
            return await CountUnknownNameAsync(userName);
        }

        if (await users.IsLockedOutAsync(user))
        {
            users.PasswordHasher.VerifyHashedPassword(user, user.PasswordHash ?? decoy.HashWith(users.PasswordHasher), password);
            logger.LogInformation("Sign-in refused for {UserId}: locked out", user.Id);
            return LockedUntil(user.LockoutEnd);
        }

        // Counts toward lockout; rehashes an old hash on success.
        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return new PasswordCheckResult(user, null, null, Lockout.DefaultLockoutTimeSpan);
        }

        logger.LogInformation("Sign-in refused for {UserId}: {Reason}", user.Id, result.IsLockedOut ? "locked out" : "wrong password");
        if (result.IsLockedOut)
        {
            return LockedUntil(user.LockoutEnd);
        }

        var left = user.LockoutEnabled ? Lockout.MaxFailedAccessAttempts - await users.GetAccessFailedCountAsync(user) : (int?)null;
        return new PasswordCheckResult(null, left, null, Lockout.DefaultLockoutTimeSpan);
    }

    private async Task<PasswordCheckResult> CountUnknownNameAsync(string userName)
    {
        var key = users.NormalizeName(userName) ?? userName;
        var now = clock.GetUtcNow();
        await using var db = await databases.CreateDbContextAsync();
        var row = await db.UnknownNameLockouts.FindAsync(key);
        if (row is not null && row.LockoutEnd > now)
        {
            // A locked account's tries do not count either.
            return LockedUntil(row.LockoutEnd);
        }

        if (row is null)
        {
            // Names nobody tried for a month go when a new one comes; a real account's count never expires,
            // but a month without a try is indistinguishable from a fresh start in practice.
            var stale = now - TimeSpan.FromDays(30);
            await db.UnknownNameLockouts.Where(l => l.LastFailureAt < stale).ExecuteDeleteAsync();
            row = new UnknownNameLockout { NormalizedName = key, LockoutEnd = DateTimeOffset.UnixEpoch };
            db.UnknownNameLockouts.Add(row);
        }

        // As Identity's AccessFailedAsync: count, and at the limit lock and start counting again.
        row.FailedCount++;
        row.LastFailureAt = now;
        if (row.FailedCount >= Lockout.MaxFailedAccessAttempts)
        {
            row.LockoutEnd = now + Lockout.DefaultLockoutTimeSpan;
            row.FailedCount = 0;
        }

        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // Two tries of one unknown name at once: the other one counted.
        }

        return row.LockoutEnd > now
            ? LockedUntil(row.LockoutEnd)
            : new PasswordCheckResult(null, Lockout.MaxFailedAccessAttempts - row.FailedCount, null, Lockout.DefaultLockoutTimeSpan);
    }

    // Read after the lock was set, so a lock made just now is not mistaken for a longer one.
    private PasswordCheckResult LockedUntil(DateTimeOffset? end)
    {
        var now = clock.GetUtcNow();
        return end is { } until && until > now && until - now <= Lockout.DefaultLockoutTimeSpan
            ? new PasswordCheckResult(null, null, until - now, Lockout.DefaultLockoutTimeSpan)
            : new PasswordCheckResult(null, null, null, Lockout.DefaultLockoutTimeSpan);
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
