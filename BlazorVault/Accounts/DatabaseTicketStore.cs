using System.Security.Claims;
using System.Security.Cryptography;
using BlazorVault.Data;
using BlazorVault.Files;
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
    ReadLanes reads,
    IDataProtectionProvider protection,
    IOptions<IdentityOptions> identity,
    TimeProvider clock) : ITicketStore
{
    /// <summary>Added to the principal a session yields, so that a circuit can ask whether its session still stands.</summary>
    public const string SessionIdClaim = "vault:session";

    /// <summary>How stale a session's last-seen time may get before a request moves it.</summary>
    public static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(5);

    /// <summary>Tickets decoded lately, by session: a cache of decoding only (see <see cref="RetrieveAsync(string)"/>).</summary>
    private const int MaxDecoded = 4_096;

    private readonly IDataProtector _protector = protection.CreateProtector("BlazorVault.Sessions");

    private readonly ExpiringMap<(byte[] Protected, AuthenticationTicket Ticket)> _decoded = new(MaxDecoded);

    // Every cookie request asks this: a statement prepared on a warm connection (RowRead, ReadLanes).
    private static readonly RowRead<(string Key, DateTimeOffset Now), SessionRow> Session = new(
        sql => $"SELECT {SelectSession(sql)} {FromSession(sql)} {WhereSession(sql)}",
        static (values, a) =>
        {
            values.Set(0, a.Key);
            values.Set(1, a.Now);
        },
        static row => SessionOf(row));

    // The same, with the file the endpoint asks for when it is the session user's and live (OwnedFileReadAhead).
    private static readonly RowRead<(string Key, DateTimeOffset Now, Guid FileId), SessionAndFile> SessionWithFile = new(
        sql => $"SELECT {SelectSession(sql)}, {sql.Select<UserSession>(nameof(UserSession.UserId), "s")}, {FileService.SelectItem(sql, "f")} "
            + $"{FromSession(sql)} LEFT JOIN {sql.Table<StoredFile>("f")} "
            + $"ON {sql.Column<StoredFile>(nameof(StoredFile.Id), "f")} = {sql.Parameter<StoredFile>(nameof(StoredFile.Id))} "
            + $"AND {sql.Column<StoredFile>(nameof(StoredFile.OwnerId), "f")} = {sql.Column<UserSession>(nameof(UserSession.UserId), "s")} "
            + $"AND {sql.Column<StoredFile>(nameof(StoredFile.TrashId), "f")} IS NULL {WhereSession(sql)}",
        static (values, a) =>
        {
            values.Set(0, a.FileId);
            values.Set(1, a.Key);
            values.Set(2, a.Now);
        },
        static row => new SessionAndFile(SessionOf(row), row.Get<string>(6), row.GetOrNull<Guid>(7) is null ? null : FileService.ItemOf(row, 7)));

    private static string SelectSession(RowSql sql) =>
        $"{sql.Select<UserSession>(nameof(UserSession.Ticket), "s")}, {sql.Select<UserSession>(nameof(UserSession.SecurityStamp), "s")}, "
        + $"{sql.Select<UserSession>(nameof(UserSession.LastSeenAt), "s")}, {sql.Select<VaultUser>(nameof(VaultUser.SecurityStamp), "u")}, "
        + $"{sql.Select<VaultUser>(nameof(VaultUser.LockoutEnd), "u")}, {sql.Select<VaultUser>(nameof(VaultUser.DisabledAt), "u")}";

    private static string FromSession(RowSql sql) =>
        $"FROM {sql.Table<UserSession>("s")} INNER JOIN {sql.Table<VaultUser>("u")} "
        + $"ON {sql.Column<UserSession>(nameof(UserSession.UserId), "s")} = {sql.Column<VaultUser>(nameof(VaultUser.Id), "u")}";

    private static string WhereSession(RowSql sql) =>
        $"WHERE {sql.Column<UserSession>(nameof(UserSession.Id), "s")} = {sql.Parameter<UserSession>(nameof(UserSession.Id))} "
        + $"AND {sql.Column<UserSession>(nameof(UserSession.ExpiresAt), "s")} > {sql.Parameter<UserSession>(nameof(UserSession.ExpiresAt))}";

    private static SessionRow SessionOf(Row row) => new(
        row.Get<byte[]>(0), row.Get<string>(1), row.Get<DateTimeOffset>(2), row.GetStringOrNull(3) ?? "", row.GetOrNull<DateTimeOffset>(4), row.GetOrNull<DateTimeOffset>(5));

    private sealed record SessionAndFile(SessionRow Session, string UserId, FileItem? File);

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, browser: null, network: null);

    /// <summary>The cookie handler's call: the request tells which browser and network the session is for.</summary>
    public Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken) =>
        StoreAsync(
            ticket,
            ClientDescription.Browser(httpContext.Request.Headers.UserAgent.ToString()),
            ClientDescription.Network(httpContext.Connection.RemoteIpAddress));

    private async Task<string> StoreAsync(AuthenticationTicket ticket, string? browser, string? network)
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
            Browser = browser,
            ClientNetwork = network,
            LastSeenAt = now,
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

    /// <summary>
    /// The session's ticket, when its row stands: read on every request, never from memory. Only the work of
    /// decoding it (Data Protection's decryption and the deserializer) is kept, per session and for the exact
    /// bytes read: the row decides, and a renewed ticket is different bytes, decoded afresh.
    /// </summary>
    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var now = clock.GetUtcNow();
        return await TicketOfAsync(key, await reads.RowAsync(Session, (key, now), CancellationToken.None), now);
    }

    /// <summary>
    /// The cookie handler's call: as <see cref="RetrieveAsync(string)"/>, and for an endpoint that asks for one of the
    /// user's files (<see cref="OwnedFileReadAhead"/>), that file's row read in the same statement and handed
    /// to the endpoint, when the session stands.
    /// </summary>
    public async Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
    {
        if (OwnedFileReadAhead.FileIdAskedBy(httpContext) is not { } fileId)
        {
            return await RetrieveAsync(key);
        }

        var now = clock.GetUtcNow();
        var found = await reads.RowAsync(SessionWithFile, (key, now, fileId), CancellationToken.None);
        var ticket = await TicketOfAsync(key, found?.Session, now);
        if (ticket is not null)
        {
            OwnedFileReadAhead.Keep(httpContext, found!.UserId, fileId, found.File);
        }

        return ticket;
    }

    private async Task<AuthenticationTicket?> TicketOfAsync(string key, SessionRow? found, DateTimeOffset now)
    {
        if (found is null)
        {
            _decoded.Remove(key);
            return null;
        }

        if (!Stands(found.SecurityStamp, found.UserStamp, found.LockoutEnd, found.DisabledAt, now))
        {
            _decoded.Remove(key);
            await using var db = await databases.CreateDbContextAsync();
            await db.Sessions.Where(s => s.Id == key).ExecuteDeleteAsync();
            return null;
        }

        if (found.LastSeenAt <= now - LastSeenResolution)
        {
            await using var db = await databases.CreateDbContextAsync();
            await SeenAsync(db, key, found.LastSeenAt, now, CancellationToken.None);
        }

        // A copy: the cookie handler and the app may change the principal they are given.
        return Decode(key, found.Ticket, now)?.Clone();
    }

    private AuthenticationTicket? Decode(string key, byte[] protectedTicket, DateTimeOffset now)
    {
        if (_decoded.TryGet(key, now, out var known) && known.Protected.AsSpan().SequenceEqual(protectedTicket))
        {
            return known.Ticket;
        }

        AuthenticationTicket? ticket;
        try
        {
            ticket = TicketSerializer.Default.Deserialize(_protector.Unprotect(protectedTicket));
        }
        catch (CryptographicException)
        {
            // Its key is gone from the key ring: the session cannot be read, so it has ended.
            return null;
        }

        if (ticket is null)
        {
            return null;
        }

        if (ticket.Principal.Identity is ClaimsIdentity claims && !claims.HasClaim(c => c.Type == SessionIdClaim))
        {
            claims.AddClaim(new Claim(SessionIdClaim, key));
        }

        // Each entry is only a decoding saved, kept no longer than the ticket says it lasts.
        _decoded.Set(key, (protectedTicket, ticket), ExpiryOf(ticket, now), now);
        return ticket;
    }

    public async Task RemoveAsync(string key)
    {
        _decoded.Remove(key);
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
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { s.SecurityStamp, s.LastSeenAt, UserStamp = u.SecurityStamp ?? "", u.LockoutEnd, u.DisabledAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null || !Stands(found.SecurityStamp, found.UserStamp, found.LockoutEnd, found.DisabledAt, now))
        {
            return false;
        }

        // An open dashboard is the session in use, though it sends no HTTP requests.
        await SeenAsync(db, key, found.LastSeenAt, now, cancellationToken);
        return true;
    }

    /// <summary>
    /// Moves the session's last-seen time when it is older than <see cref="LastSeenResolution"/>: a write per
    /// session every few minutes at most, not one per request. Conditional, so that of concurrent requests one writes.
    /// </summary>
    private static async Task SeenAsync(VaultDbContext db, string key, DateTimeOffset lastSeen, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (lastSeen > now - LastSeenResolution)
        {
            return;
        }

        var before = now - LastSeenResolution;
        await db.Sessions.Where(s => s.Id == key && s.LastSeenAt <= before)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), cancellationToken);
    }

    /// <summary>A session stands while its stamp is the user's (a password change replaces the user's) and the account is not disabled (<see cref="AccountStanding"/>).</summary>
    private bool Stands(string sessionStamp, string userStamp, DateTimeOffset? lockoutEnd, DateTimeOffset? disabledAt, DateTimeOffset now) =>
        sessionStamp == userStamp && disabledAt is null && !AccountStanding.IsDisabled(lockoutEnd, now, identity.Value.Lockout);

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

/// <summary>What a request reads of its session and its user.</summary>
internal sealed record SessionRow(
    byte[] Ticket, string SecurityStamp, DateTimeOffset LastSeenAt, string UserStamp, DateTimeOffset? LockoutEnd, DateTimeOffset? DisabledAt);
