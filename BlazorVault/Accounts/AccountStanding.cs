using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

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
        Refusal(user is null ? null : new UserStanding(user.SecurityStamp, user.DisabledAt, user.LockoutEnd), now, identity);

    /// <inheritdoc cref="Refusal(VaultUser?, DateTimeOffset, IdentityOptions)"/>
    public static string? Refusal(UserStanding? user, DateTimeOffset now, IdentityOptions identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return user is null ? "The user no longer exists."
            : user.DisabledAt is not null || IsDisabled(user.LockoutEnd, now, identity.Lockout) ? "The account is disabled."
            : null;
    }
}

/// <summary>What <see cref="AccountStanding"/> reads of a user, and the stamp tokens are checked against.</summary>
public sealed record UserStanding(string? SecurityStamp, DateTimeOffset? DisabledAt, DateTimeOffset? LockoutEnd);

/// <summary>
/// Reads a user's <see cref="UserStanding"/>: one primary-key lookup of three columns, prepared on a warm
/// connection (<see cref="BlazorVault.Data.RowRead{TArg, TResult}"/>), for checks made on every request (API
/// access tokens), without building a UserManager for it.
/// </summary>
public sealed class UserStandings(BlazorVault.Data.ReadLanes reads)
{
    private static readonly BlazorVault.Data.RowRead<string, UserStanding> Standing = new(
        sql => $"SELECT {Select(sql)} FROM {sql.Table<VaultUser>()} "
            + $"WHERE {sql.Column<VaultUser>(nameof(VaultUser.Id))} = {sql.Parameter<VaultUser>(nameof(VaultUser.Id))}",
        static (values, id) => values.Set(0, id),
        static row => Of(row, 0));

    public Task<UserStanding?> FindAsync(string id, CancellationToken cancellationToken) => reads.RowAsync(Standing, id, cancellationToken);

    /// <summary>The columns of a <see cref="UserStanding"/> in a statement that joins the user's row (read back by <see cref="Of"/>).</summary>
    internal static string Select(BlazorVault.Data.RowSql sql, string? alias = null) =>
        $"{sql.Select<VaultUser>(nameof(VaultUser.SecurityStamp), alias)}, {sql.Select<VaultUser>(nameof(VaultUser.DisabledAt), alias)}, "
        + $"{sql.Select<VaultUser>(nameof(VaultUser.LockoutEnd), alias)}";

    /// <summary>The <see cref="UserStanding"/> whose columns (<see cref="Select"/>) start at <paramref name="start"/>.</summary>
    internal static UserStanding Of(BlazorVault.Data.Row row, int start) =>
        new(row.GetStringOrNull(start), row.GetOrNull<DateTimeOffset>(start + 1), row.GetOrNull<DateTimeOffset>(start + 2));
}
