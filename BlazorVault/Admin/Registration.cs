using System.Security.Cryptography;
using System.Text;
using BlazorVault.Accounts;
using BlazorVault.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Admin;

/// <summary>The registration mode (the admin area's choice in the database, else configuration) and invite look-ups.</summary>
public sealed class RegistrationSettings(IDbContextFactory<VaultDbContext> databases, IOptions<RegistrationOptions> options, TimeProvider clock)
{
    public const string ModeKey = "registration:mode";

    public async Task<RegistrationMode> ModeAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await ModeAsync(db, cancellationToken);
    }

    internal async Task<RegistrationMode> ModeAsync(VaultDbContext db, CancellationToken cancellationToken)
    {
        var stored = await db.InstanceSettings.Where(s => s.Key == ModeKey).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken);
        return Enum.TryParse<RegistrationMode>(stored, out var mode) && Enum.IsDefined(mode) ? mode : options.Value.Mode;
    }

    /// <summary>No account yet: the first registration is open whatever the mode, and makes the admin.</summary>
    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return !await db.Users.AnyAsync(cancellationToken);
    }

    /// <summary>Whether an invite link can still be used (for the form; the registration itself decides again, atomically).</summary>
    public async Task<bool> InviteIsUsableAsync(string? secret, CancellationToken cancellationToken = default)
    {
        if (!LooksLikeSecret(secret))
        {
            return false;
        }

        var hash = HashOf(secret);
        var now = clock.GetUtcNow();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Invites.AnyAsync(i => i.SecretHash == hash && i.UsedAt == null && i.ExpiresAt > now, cancellationToken);
    }

    public static bool LooksLikeSecret([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? secret) =>
        secret is { Length: >= 16 and <= 64 } && secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    internal static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

public abstract record RegistrationResult
{
    private RegistrationResult()
    {
    }

    public sealed record Created(VaultUser User) : RegistrationResult;

    public sealed record Refused(IReadOnlyList<IdentityError> Errors) : RegistrationResult;

    /// <summary>Registration is closed, or needs an invite that was not given.</summary>
    public sealed record NotOpen(RegistrationMode Mode) : RegistrationResult;

    /// <summary>The invite was used meanwhile, has expired, or never existed.</summary>
    public sealed record InviteUnusable : RegistrationResult;
}

/// <summary>
/// Creates an account under the instance's rules, in one transaction with its consequences: the invite is
/// used by one conditional update (two registrations with one link: one account), and the first account of
/// an empty instance claims the admin role by inserting a row with a fixed key, which a parallel first
/// registration can only insert after this one committed, and then finds taken.
/// </summary>
public sealed class Registration(
    UserManager<VaultUser> users,
    VaultDbContext db,
    RegistrationSettings settings,
    TimeProvider clock,
    ILogger<Registration> logger)
{
    public const string FirstAdminKey = "first-admin";

    public async Task<RegistrationResult> RegisterAsync(string userName, string password, string? invite, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var mode = await settings.ModeAsync(db, cancellationToken);
        // An empty instance always lets its first account in: someone has to become its admin.
        var empty = !await db.Users.AnyAsync(cancellationToken);
        var withInvite = RegistrationSettings.LooksLikeSecret(invite);
        if (!empty && (mode == RegistrationMode.Closed || (mode == RegistrationMode.InviteOnly && !withInvite)))
        {
            return new RegistrationResult.NotOpen(mode);
        }

        var hash = withInvite ? RegistrationSettings.HashOf(invite!) : null;
        long? quota = null;
        if (hash is not null)
        {
            var found = await db.Invites.AsNoTracking().Where(i => i.SecretHash == hash && i.UsedAt == null && i.ExpiresAt > now)
                .Select(i => new { i.QuotaBytes }).FirstOrDefaultAsync(cancellationToken);
            if (found is null)
            {
                return new RegistrationResult.InviteUnusable();
            }

            quota = found.QuotaBytes;
        }

        var user = new VaultUser { UserName = userName, CreatedAt = now, QuotaBytes = quota };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return new RegistrationResult.Refused([.. created.Errors]);
        }

        if (hash is not null && await db.Invites
                .Where(i => i.SecretHash == hash && i.UsedAt == null && i.ExpiresAt > now)
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.UsedAt, now).SetProperty(i => i.UsedByName, user.UserName), cancellationToken) != 1)
        {
            // Another registration used it first: this account is not made (the transaction rolls back).
            return new RegistrationResult.InviteUnusable();
        }

        var claimed = await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "InstanceSettings" ("Key", "Value")
            SELECT {FirstAdminKey}, {user.Id} WHERE NOT EXISTS (SELECT 1 FROM "AspNetUsers" WHERE "Id" <> {user.Id})
            ON CONFLICT ("Key") DO NOTHING
            """,
            cancellationToken);
        if (claimed == 1)
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.IsAdmin, true), cancellationToken);
            user.IsAdmin = true;
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Account {UserId} created{Admin}{Invite}", user.Id, claimed == 1 ? " as the first admin" : "", hash is null ? "" : " with an invite");
        return new RegistrationResult.Created(user);
    }
}
