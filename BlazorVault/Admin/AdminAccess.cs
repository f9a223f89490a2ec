using System.Linq.Expressions;
using BlazorVault.Accounts;
using BlazorVault.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Admin;

/// <summary>
/// Who is an admin: an enabled account marked so in the database, or named in <c>Vault:Admin:UserNames</c>.
/// Asked of the database on every request and every action, never cached: a demoted or disabled admin
/// loses the admin area at once.
/// </summary>
public sealed class AdminAccess(IDbContextFactory<VaultDbContext> databases, IOptions<AdminOptions> options)
{
    // Identity's own normalizer, which the app does not replace; Identity registers it scoped, and this is a singleton.
    internal static readonly ILookupNormalizer Normalizer = new UpperInvariantLookupNormalizer();

    private readonly string[] _configured = [.. options.Value.UserNames
        .Where(n => !string.IsNullOrWhiteSpace(n))
        .Select(n => Normalizer.NormalizeName(n.Trim()))];

    /// <summary>Normalized names from configuration.</summary>
    public IReadOnlyList<string> ConfiguredNames => _configured;

    /// <summary>Whether a user row is an admin (enabled or not): the database's mark or configuration.</summary>
    public Expression<Func<VaultUser, bool>> IsAdmin
    {
        get
        {
            var names = _configured;
            return u => u.IsAdmin || names.Contains(u.NormalizedUserName!);
        }
    }

    public bool IsConfigured(string? normalizedName) => normalizedName is not null && _configured.Contains(normalizedName, StringComparer.Ordinal);

    public async Task<bool> IsAdminAsync(string? userId, CancellationToken cancellationToken = default)
    {
        if (userId is null)
        {
            return false;
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await IsEnabledAdminAsync(db, userId, cancellationToken);
    }

    internal Task<bool> IsEnabledAdminAsync(VaultDbContext db, string userId, CancellationToken cancellationToken) =>
        db.Users.Where(IsAdmin).AnyAsync(u => u.Id == userId && u.DisabledAt == null, cancellationToken);

    /// <summary>The acting admin's name, or null when <paramref name="actorId"/> is not an enabled admin (then the action answers as not found).</summary>
    internal Task<string?> ActorNameAsync(VaultDbContext db, string? actorId, CancellationToken cancellationToken) =>
        db.Users.Where(IsAdmin).Where(u => u.Id == actorId && u.DisabledAt == null).Select(u => u.UserName).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Records an admin action in the caller's transaction.</summary>
    internal static async Task AuditAsync(VaultDbContext db, string actorId, string actorName, string action, string? target, string? detail, DateTimeOffset at, CancellationToken cancellationToken)
    {
        db.AuditLog.Add(new AuditEntry { At = at, ActorId = actorId, ActorName = actorName, Action = action, Target = target, Detail = detail });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Whether an enabled admin other than <paramref name="userId"/> would remain.</summary>
    internal Task<bool> AnotherAdminAsync(VaultDbContext db, string userId, CancellationToken cancellationToken) =>
        db.Users.Where(IsAdmin).AnyAsync(u => u.Id != userId && u.DisabledAt == null, cancellationToken);

    /// <summary>
    /// Serialises the changes that could leave the instance without an admin (demote, disable, delete): the
    /// first statement of such a transaction writes one row, which holds a row lock on PostgreSQL and the write
    /// lock on SQLite until the transaction ends, so "another admin remains" stays true until the commit.
    /// </summary>
    internal static Task TakeLockAsync(VaultDbContext db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "InstanceSettings" ("Key", "Value") VALUES ('lock:admins', '')
            ON CONFLICT ("Key") DO UPDATE SET "Value" = ''
            """,
            cancellationToken);
}

/// <summary>The admin policies' requirement: the signed-in user is an admin now.</summary>
public sealed class AdminRequirement : IAuthorizationRequirement;

internal sealed class AdminRequirementHandler(AdminAccess access) : AuthorizationHandler<AdminRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AdminRequirement requirement)
    {
        if (await access.IsAdminAsync(context.User.GetUserId()))
        {
            context.Succeed(requirement);
        }
    }
}

/// <summary>
/// Everyone who is not an admin gets 404 from the admin area, pages and API alike: neither a sign-in
/// redirect nor a 403, which would tell that there is something to see.
/// </summary>
internal sealed class AdminNotFoundResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Succeeded && policy.Requirements.OfType<AdminRequirement>().Any())
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
