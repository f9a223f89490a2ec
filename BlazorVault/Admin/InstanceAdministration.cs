using System.Buffers.Text;
using System.Security.Cryptography;
using BlazorVault.Data;
using BlazorVault.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Admin;

/// <summary>The instance's side of the admin area: registration mode, invites, the overview and the audit log.</summary>
public sealed class InstanceAdministration(
    IDbContextFactory<VaultDbContext> databases,
    AdminAccess admins,
    RegistrationSettings registration,
    IBlobStore blobs,
    IOptions<VaultOptions> options,
    TimeProvider clock)
{
    public static readonly TimeSpan MinInviteLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxInviteLifetime = TimeSpan.FromDays(30);
    public const int MaxPageSize = 200;

    public async Task<RegistrationMode?> GetModeAsync(string? actorId, CancellationToken cancellationToken = default) =>
        await admins.IsAdminAsync(actorId, cancellationToken) ? await registration.ModeAsync(cancellationToken) : null;

    public async Task<AdminResult> SetModeAsync(string? actorId, RegistrationMode mode, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(mode))
        {
            return AdminResult.Invalid("The mode is Open, InviteOnly or Closed.");
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await admins.ActorNameAsync(db, actorId, cancellationToken) is not { } actorName)
        {
            return AdminResult.NotFound;
        }

        var value = mode.ToString();
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "InstanceSettings" ("Key", "Value") VALUES ({RegistrationSettings.ModeKey}, {value})
            ON CONFLICT ("Key") DO UPDATE SET "Value" = {value}
            """,
            cancellationToken);
        await AdminAccess.AuditAsync(db, actorId!, actorName, "set registration", null, value, clock.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return AdminResult.Done;
    }

    public async Task<(AdminResult Result, CreatedInvite? Invite)> CreateInviteAsync(
        string? actorId, TimeSpan lifetime, long? quotaBytes, CancellationToken cancellationToken = default)
    {
        if (lifetime < MinInviteLifetime || lifetime > MaxInviteLifetime)
        {
            return (AdminResult.Invalid("An invite lasts from 1 hour to 30 days."), null);
        }

        if (quotaBytes is < 0)
        {
            return (AdminResult.Invalid("A quota cannot be negative."), null);
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await admins.ActorNameAsync(db, actorId, cancellationToken) is not { } actorName)
        {
            return (AdminResult.NotFound, null);
        }

        var now = clock.GetUtcNow();
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
        var invite = new Invite
        {
            Id = Guid.CreateVersion7(),
            SecretHash = RegistrationSettings.HashOf(secret),
            CreatedByName = actorName,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
            QuotaBytes = quotaBytes,
        };
        db.Invites.Add(invite);
        await db.SaveChangesAsync(cancellationToken);
        await AdminAccess.AuditAsync(db, actorId!, actorName, "create invite", null,
            $"expires {invite.ExpiresAt:u}" + (quotaBytes is { } q ? $", quota {q} bytes" : ""), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (AdminResult.Done, new CreatedInvite(ToInfo(invite), secret));
    }

    public async Task<IReadOnlyList<InviteInfo>?> ListInvitesAsync(string? actorId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await admins.ActorNameAsync(db, actorId, cancellationToken) is null)
        {
            return null;
        }

        var invites = await db.Invites.AsNoTracking().OrderByDescending(i => i.CreatedAt).Take(100).ToListAsync(cancellationToken);
        return [.. invites.Select(ToInfo)];
    }

    public async Task<AdminResult> RevokeInviteAsync(string? actorId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await admins.ActorNameAsync(db, actorId, cancellationToken) is not { } actorName)
        {
            return AdminResult.NotFound;
        }

        if (await db.Invites.Where(i => i.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return AdminResult.NotFound;
        }

        await AdminAccess.AuditAsync(db, actorId!, actorName, "revoke invite", null, id.ToString(), clock.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return AdminResult.Done;
    }

    public async Task<InstanceOverview?> GetOverviewAsync(string? actorId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await admins.ActorNameAsync(db, actorId, cancellationToken) is null)
        {
            return null;
        }

        var users = await db.Users.CountAsync(cancellationToken);
        var disabled = await db.Users.CountAsync(u => u.DisabledAt != null, cancellationToken);
        var adminCount = await db.Users.Where(admins.IsAdmin).CountAsync(cancellationToken);
        var files = await db.Files.CountAsync(f => f.TrashId == null, cancellationToken);
        var trashed = await db.Files.CountAsync(f => f.TrashId != null, cancellationToken);
        var logical = (await db.Files.SumAsync(f => (long?)f.Size, cancellationToken) ?? 0)
            + (await db.FileVersions.SumAsync(v => (long?)v.Size, cancellationToken) ?? 0);
        var stored = await db.Blobs.Where(b => b.RefCount > 0).SumAsync(b => (long?)b.Size, cancellationToken) ?? 0;
        var trash = await db.Files.Where(f => f.TrashId != null).SumAsync(f => (long?)f.Size, cancellationToken) ?? 0;
        var uploads = await db.Uploads.CountAsync(u => u.FileId == null, cancellationToken);
        var jobs = await db.JobRuns.AsNoTracking().OrderBy(j => j.Name).ToListAsync(cancellationToken);
        long? free = null;
        try
        {
            free = blobs is IStorageCapacity capacity ? capacity.AvailableBytes : null;
        }
        catch (IOException)
        {
            // The volume cannot be asked right now: the overview shows it as unknown.
        }

        return new InstanceOverview(
            users, disabled, adminCount, files, trashed, logical, stored, trash, uploads, free,
            options.Value.Storage.Provider == StorageProvider.S3,
            [.. jobs.Select(j => new JobStatus(j.Name, j.LastRunAt, j.LastErrorAt, j.LastError))]);
    }

    public async Task<AuditPage?> ListAuditAsync(string? actorId, int skip, int take, CancellationToken cancellationToken = default)
    {
        skip = Math.Max(0, skip);
        take = Math.Clamp(take, 1, MaxPageSize);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await admins.ActorNameAsync(db, actorId, cancellationToken) is null)
        {
            return null;
        }

        var total = await db.AuditLog.CountAsync(cancellationToken);
        var items = await db.AuditLog.AsNoTracking().OrderByDescending(a => a.Id).Skip(skip).Take(take)
            .Select(a => new AuditItem(a.Id, a.At, a.ActorName, a.Action, a.Target, a.Detail)).ToListAsync(cancellationToken);
        return new AuditPage(items, total, skip, take);
    }

    private static InviteInfo ToInfo(Invite i) => new(i.Id, i.CreatedByName, i.CreatedAt, i.ExpiresAt, i.QuotaBytes, i.UsedAt, i.UsedByName);
}
