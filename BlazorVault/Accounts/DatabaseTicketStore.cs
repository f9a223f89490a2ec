using System.Security.Claims;
using System.Security.Cryptography;
using BlazorVault.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Accounts;

/// <summary>
/// Server-side sessions: the cookie carries a session id, the <c>Sessions</c> table the ticket. Every
/// request reads its row (one primary-key lookup joined to the user's row, no cache), so logout, a
/// changed password (security stamp), a deleted or disabled account end a session at its next request,
/// on every app instance. Open circuits ask <see cref="IsActiveAsync"/> before each action (<see cref="SessionCircuitHandler"/>).
/// </summary>
public sealed class DatabaseTicketStore(
    IDbContextFactory<VaultDbContext> databases,
    IDataProtectionProvider protection,
    IOptions<IdentityOptions> identity,
    TimeProvider clock) : ITicketStore
{
    /// <summary>Added to the principal a session yields, so that a circuit can ask whether its session still stands.</summary>
    public const string SessionIdClaim = "vault:session";

    private readonly IDataProtector _protector = protection.CreateProtector("BlazorVault.Sessions");

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var now = clock.GetUtcNow();
        var session = new UserSession
        {
            Id = RandomNumberGenerator.GetHexString(32, lowercase: true),
            UserId = UserIdOf(ticket),
            SecurityStamp = StampOf(ticket),
            Ticket = Protect(ticket),
            CreatedAt = now,
            ExpiresAt = ExpiryOf(ticket, now),
        };
        await using var db = await databases.CreateDbContextAsync();
        // The user's sessions that ran out go when they sign in again; an account's deletion takes the rest.
        await db.Sessions.Where(s => s.UserId == session.UserId && s.ExpiresAt <= now).ExecuteDeleteAsync();
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        return session.Id;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        var stamp = StampOf(ticket);
        var protectedTicket = Protect(ticket);
        var expiresAt = ExpiryOf(ticket, clock.GetUtcNow());
        await using var db = await databases.CreateDbContextAsync();
        // An update, never an insert: a session ended meanwhile stays ended.
        await db.Sessions.Where(s => s.Id == key).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Ticket, protectedTicket)
            .SetProperty(x => x.SecurityStamp, stamp)
            .SetProperty(x => x.ExpiresAt, expiresAt));
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var now = clock.GetUtcNow();
        await using var db = await databases.CreateDbContextAsync();
        var found = await db.Sessions
            .Where(s => s.Id == key && s.ExpiresAt > now)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { s.Ticket, s.SecurityStamp, UserStamp = u.SecurityStamp ?? "", u.LockoutEnd })
            .FirstOrDefaultAsync();
        if (found is null)
        {
            return null;
        }

        if (!Stands(found.SecurityStamp, found.UserStamp, found.LockoutEnd, now))
        {
            await db.Sessions.Where(s => s.Id == key).ExecuteDeleteAsync();
            return null;
        }

        AuthenticationTicket? ticket;
        try
        {
            ticket = TicketSerializer.Default.Deserialize(_protector.Unprotect(found.Ticket));
        }
        catch (CryptographicException)
        {
            // Its key is gone from the key ring: the session cannot be read, so it has ended.
            return null;
        }

        if (ticket?.Principal.Identity is ClaimsIdentity claims && !claims.HasClaim(c => c.Type == SessionIdClaim))
        {
            claims.AddClaim(new Claim(SessionIdClaim, key));
        }

        return ticket;
    }

    public async Task RemoveAsync(string key)
    {
        await using var db = await databases.CreateDbContextAsync();
        await db.Sessions.Where(s => s.Id == key).ExecuteDeleteAsync();
    }

    /// <summary>Whether the session still stands: the same test as <see cref="RetrieveAsync(string)"/>, without the ticket.</summary>
    public async Task<bool> IsActiveAsync(string key, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var found = await db.Sessions
            .Where(s => s.Id == key && s.ExpiresAt > now)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { s.SecurityStamp, UserStamp = u.SecurityStamp ?? "", u.LockoutEnd })
            .FirstOrDefaultAsync(cancellationToken);
        return found is not null && Stands(found.SecurityStamp, found.UserStamp, found.LockoutEnd, now);
    }

    /// <summary>
    /// A session stands while its stamp is the user's (a password change replaces the user's) and the
    /// account is not disabled. Disabled is a lock that ends later than failed sign-ins can lock an account
    /// (<see cref="LockoutOptions.DefaultLockoutTimeSpan"/> from now): someone guessing a password may lock
    /// the account against new sign-ins, but must not be able to throw its owner out of open sessions.
    /// </summary>
    private bool Stands(string sessionStamp, string userStamp, DateTimeOffset? lockoutEnd, DateTimeOffset now) =>
        sessionStamp == userStamp
        && (lockoutEnd is not { } end || end <= now + identity.Value.Lockout.DefaultLockoutTimeSpan);

    private byte[] Protect(AuthenticationTicket ticket) => _protector.Protect(TicketSerializer.Default.Serialize(ticket));

    private string UserIdOf(AuthenticationTicket ticket) =>
        ticket.Principal.FindFirstValue(identity.Value.ClaimsIdentity.UserIdClaimType)
        ?? throw new InvalidOperationException("A session needs a signed-in user.");

    private string StampOf(AuthenticationTicket ticket) =>
        ticket.Principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType) ?? "";

    // The cookie handler sets the expiry before it stores a ticket; the fallback is its default lifetime.
    private static DateTimeOffset ExpiryOf(AuthenticationTicket ticket, DateTimeOffset now) =>
        ticket.Properties.ExpiresUtc ?? now + TimeSpan.FromDays(14);
}
