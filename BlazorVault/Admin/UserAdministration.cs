using BlazorVault.Accounts;
using BlazorVault.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Admin;

/// <summary>
/// What an admin does to accounts. Every method first checks, in the database, that the actor is an
/// enabled admin (otherwise it answers <see cref="AdminStatus.NotFound"/>), and records what it did in
/// the audit log in the same transaction. An admin cannot disable, delete or demote themself, and no
/// change leaves the instance without an enabled admin.
/// </summary>
public sealed class UserAdministration(
    IDbContextFactory<VaultDbContext> databases,
    AdminAccess admins,
    AccountDeletion deletion,
    IServiceScopeFactory scopes,
    IOptions<VaultOptions> options,
    TimeProvider clock,
    ILogger<UserAdministration> logger)
{
    public const int MaxPageSize = 200;

    public async Task<AdminUserPage?> ListAsync(string? actorId, string? search, int skip, int take, CancellationToken cancellationToken = default)
    {
        skip = Math.Max(0, skip);
        take = Math.Clamp(take, 1, MaxPageSize);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await admins.ActorNameAsync(db, actorId, cancellationToken) is null)
        {
            return null;
        }

        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var key = AdminAccess.Normalizer.NormalizeName(search.Trim());
            users = users.Where(u => u.NormalizedUserName!.Contains(key));
        }

        var total = await users.CountAsync(cancellationToken);
        var names = admins.ConfiguredNames.ToArray();
        var rows = await (
            from u in users
            join usage in db.Usage on u.Id equals usage.UserId into charged
            from usage in charged.DefaultIfEmpty()
            orderby u.NormalizedUserName
            select new
            {
                u.Id, u.UserName, u.NormalizedUserName, Used = (long?)usage.UsedBytes, u.QuotaBytes, u.CreatedAt, u.LastSignInAt,
                u.TwoFactorEnabled, u.DisabledAt, u.IsAdmin,
            }).Skip(skip).Take(take).ToListAsync(cancellationToken);
        var fallback = options.Value.DefaultQuotaBytes;
        return new AdminUserPage(
            [.. rows.Select(r => new AdminUser(
                r.Id, r.UserName ?? "", r.Used ?? 0, r.QuotaBytes ?? fallback, r.QuotaBytes is not null, r.CreatedAt, r.LastSignInAt,
                r.TwoFactorEnabled, r.DisabledAt is not null, r.IsAdmin || admins.IsConfigured(r.NormalizedUserName), admins.IsConfigured(r.NormalizedUserName)))],
            total, skip, take);
    }

    /// <summary>Sets the user's own quota; null goes back to the default.</summary>
    public async Task<AdminResult> SetQuotaAsync(string? actorId, string userId, long? quotaBytes, CancellationToken cancellationToken = default)
    {
        if (quotaBytes is < 0)
        {
            return AdminResult.Invalid("A quota cannot be negative.");
        }

        return await ChangeAsync(actorId, userId, "set quota", async (db, target, _) =>
        {
            await db.Users.Where(u => u.Id == target.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.QuotaBytes, quotaBytes), cancellationToken);
            return (AdminResult.Done, quotaBytes is { } q ? $"{q} bytes" : "default");
        }, cancellationToken);
    }

    /// <summary>
    /// Disables the account: in one transaction its sessions are deleted, its security stamp replaced (its API
    /// tokens and any sign-in under way stop) and the mark set that refuses its sign-ins, tokens and share links.
    /// </summary>
    public Task<AdminResult> DisableAsync(string? actorId, string userId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actorId, userId, "disable", async (db, target, actor) =>
        {
            if (target.Id == actor)
            {
                return (AdminResult.Refused("You cannot disable your own account."), null);
            }

            if (await IsAdminAsync(db, target.Id, cancellationToken) && !await admins.AnotherAdminAsync(db, target.Id, cancellationToken))
            {
                return (AdminResult.Refused("This is the last admin: make someone else an admin first."), null);
            }

            var now = clock.GetUtcNow();
            var stamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
            await db.Users.Where(u => u.Id == target.Id).ExecuteUpdateAsync(
                set => set
                    .SetProperty(u => u.DisabledAt, u => u.DisabledAt ?? now)
                    .SetProperty(u => u.SecurityStamp, stamp)
                    .SetProperty(u => u.ConcurrencyStamp, Guid.NewGuid().ToString()),
                cancellationToken);
            await db.Sessions.Where(s => s.UserId == target.Id).ExecuteDeleteAsync(cancellationToken);
            return (AdminResult.Done, null);
        }, cancellationToken);

    public Task<AdminResult> EnableAsync(string? actorId, string userId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actorId, userId, "enable", async (db, target, _) =>
        {
            await db.Users.Where(u => u.Id == target.Id).ExecuteUpdateAsync(
                set => set.SetProperty(u => u.DisabledAt, (DateTimeOffset?)null).SetProperty(u => u.AccessFailedCount, 0),
                cancellationToken);
            return (AdminResult.Done, null);
        }, cancellationToken);

    public Task<AdminResult> SetAdminAsync(string? actorId, string userId, bool admin, CancellationToken cancellationToken = default) =>
        ChangeAsync(actorId, userId, admin ? "make admin" : "remove admin", async (db, target, actor) =>
        {
            if (!admin)
            {
                if (target.Id == actor)
                {
                    return (AdminResult.Refused("You cannot remove your own admin rights; another admin can."), null);
                }

                if (admins.IsConfigured(target.NormalizedUserName))
                {
                    return (AdminResult.Refused("This admin is named in Vault:Admin:UserNames; only the configuration can change that."), null);
                }
            }

            await db.Users.Where(u => u.Id == target.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.IsAdmin, admin), cancellationToken);
            return (AdminResult.Done, null);
        }, cancellationToken);

    /// <summary>Turns two-factor sign-in off: the authenticator key is replaced, recovery codes go, and the security stamp changes.</summary>
    public Task<AdminResult> ResetTwoFactorAsync(string? actorId, string userId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actorId, userId, "reset two-factor sign-in", async (db, target, _) =>
        {
            // Identity's own calls, on a scope of their own: its user store must see this transaction's connection state fresh.
            await using var scope = scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<VaultUser>>();
            var user = await users.FindByIdAsync(target.Id);
            if (user is null)
            {
                return (AdminResult.NotFound, null);
            }

            var results = new[]
            {
                await users.SetTwoFactorEnabledAsync(user, false),
                await users.ResetAuthenticatorKeyAsync(user),
                await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "RecoveryCodes"),
            };
            return results.All(r => r.Succeeded)
                ? (AdminResult.Done, null)
                : (AdminResult.Refused("Two-factor sign-in could not be reset: " + string.Join(" ", results.SelectMany(r => r.Errors).Select(e => e.Description))), null);
        }, cancellationToken, inTransaction: false);

    public async Task<AdminResult> DeleteAsync(string? actorId, string userId, CancellationToken cancellationToken = default)
    {
        string actorName;
        string? targetName;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            if (await admins.ActorNameAsync(db, actorId, cancellationToken) is not { } name)
            {
                return AdminResult.NotFound;
            }

            actorName = name;
            targetName = await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).FirstOrDefaultAsync(cancellationToken);
        }

        if (targetName is null)
        {
            return AdminResult.NotFound;
        }

        if (userId == actorId)
        {
            return AdminResult.Refused("You cannot delete your own account here; the account page can.");
        }

        var result = await deletion.DeleteAsync(userId, cancellationToken);
        switch (result.Outcome)
        {
            case AccountDeletionOutcome.NotFound:
                return AdminResult.NotFound;
            case AccountDeletionOutcome.LastAdmin:
                return AdminResult.Refused("This is the last admin: make someone else an admin first.");
        }

        await using (var db = await databases.CreateDbContextAsync(CancellationToken.None))
        {
            await AdminAccess.AuditAsync(db, actorId!, actorName, "delete user", targetName, $"{result.Files} files, {result.Bytes} bytes", clock.GetUtcNow(), CancellationToken.None);
        }

        logger.LogInformation("Admin {ActorId} deleted user {UserId}", actorId, userId);
        return AdminResult.Done;
    }

    private Task<bool> IsAdminAsync(VaultDbContext db, string userId, CancellationToken cancellationToken) =>
        db.Users.Where(admins.IsAdmin).AnyAsync(u => u.Id == userId, cancellationToken);

    private sealed record Target(string Id, string? UserName, string? NormalizedUserName);

    /// <summary>The frame of every change: the actor is an admin, the target exists, the change and its audit entry commit together.</summary>
    private async Task<AdminResult> ChangeAsync(
        string? actorId, string userId, string action, Func<VaultDbContext, Target, string, Task<(AdminResult Result, string? Detail)>> change,
        CancellationToken cancellationToken, bool inTransaction = true)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = inTransaction ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        if (transaction is not null)
        {
            await AdminAccess.TakeLockAsync(db, cancellationToken);
        }

        if (await admins.ActorNameAsync(db, actorId, cancellationToken) is not { } actorName)
        {
            return AdminResult.NotFound;
        }

        var target = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new Target(u.Id, u.UserName, u.NormalizedUserName)).FirstOrDefaultAsync(cancellationToken);
        if (target is null)
        {
            return AdminResult.NotFound;
        }

        var (result, detail) = await change(db, target, actorId!);
        if (result.Status != AdminStatus.Done)
        {
            return result;
        }

        await AdminAccess.AuditAsync(db, actorId!, actorName, action, target.UserName, detail, clock.GetUtcNow(), cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        logger.LogInformation("Admin {ActorId}: {Action} {UserId}", actorId, action, userId);
        return result;
    }
}
