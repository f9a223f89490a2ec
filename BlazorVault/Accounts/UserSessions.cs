using System.Security.Cryptography;
using System.Text;
using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Accounts;

/// <summary>One of a user's sessions as the account page shows it. <see cref="Handle"/> names it in forms: never the session id, which is what a cookie carries.</summary>
public sealed record SessionInfo(string Handle, string Browser, string? Network, DateTimeOffset SignedInAt, DateTimeOffset LastSeenAt, bool IsCurrent);

/// <summary>A user's own view of their sessions (<see cref="UserSession"/>): list them, end one, end all but this one.</summary>
public sealed class UserSessions(IDbContextFactory<VaultDbContext> databases, TimeProvider clock)
{
    /// <summary>The sessions that still stand (not expired, the user's current security stamp), the current one first, then by last use.</summary>
    public async Task<IReadOnlyList<SessionInfo>> ListAsync(string userId, string? currentSessionId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.Sessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.ExpiresAt > now)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { Session = s, UserStamp = u.SecurityStamp ?? "" })
            .Where(x => x.Session.SecurityStamp == x.UserStamp)
            .Select(x => x.Session)
            .ToListAsync(cancellationToken);
        return [.. rows
            .Select(s => new SessionInfo(
                HandleOf(s.Id),
                s.Browser ?? "Unknown browser",
                s.ClientNetwork,
                s.CreatedAt,
                // Rows older than the column read 1970.
                s.LastSeenAt < s.CreatedAt ? s.CreatedAt : s.LastSeenAt,
                s.Id == currentSessionId))
            .OrderByDescending(s => s.IsCurrent)
            .ThenByDescending(s => s.LastSeenAt)];
    }

    /// <summary>Ends one of the user's sessions at once (its row goes; open pages of it lose access on their next action).</summary>
    public async Task<bool> SignOutAsync(string userId, string handle, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var ids = await db.Sessions.Where(s => s.UserId == userId).Select(s => s.Id).ToListAsync(cancellationToken);
        if (ids.FirstOrDefault(id => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HandleOf(id)), Encoding.ASCII.GetBytes(handle))) is not { } id)
        {
            return false;
        }

        return await db.Sessions.Where(s => s.Id == id && s.UserId == userId).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>Ends every session of the user but <paramref name="currentSessionId"/>.</summary>
    public async Task<int> SignOutOthersAsync(string userId, string? currentSessionId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Sessions.Where(s => s.UserId == userId && s.Id != currentSessionId).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Deletes the user's sessions issued under another security stamp: ended already, now gone from the table too.</summary>
    public async Task<int> RemoveStaleAsync(string userId, string stamp, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Sessions.Where(s => s.UserId == userId && s.SecurityStamp != stamp).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>A public name of a session: a digest of its id, from which the id cannot be recovered.</summary>
    public static string HandleOf(string sessionId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes("session-handle:" + sessionId)).AsSpan(0, 12));
}
