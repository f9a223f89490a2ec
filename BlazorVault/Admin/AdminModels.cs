namespace BlazorVault.Admin;

public enum AdminStatus
{
    Done,

    /// <summary>No such target, or the caller is not an admin: both answer 404.</summary>
    NotFound,

    /// <summary>A rule refuses it (yourself, the last admin): 409 with <see cref="AdminResult.Message"/>.</summary>
    Refused,

    /// <summary>A bad value: 400 with <see cref="AdminResult.Message"/>.</summary>
    Invalid,
}

public sealed record AdminResult(AdminStatus Status, string? Message = null)
{
    public static readonly AdminResult Done = new(AdminStatus.Done);
    public static readonly AdminResult NotFound = new(AdminStatus.NotFound);

    public static AdminResult Refused(string message) => new(AdminStatus.Refused, message);

    public static AdminResult Invalid(string message) => new(AdminStatus.Invalid, message);
}

public sealed record AdminUser(
    string Id,
    string UserName,
    long UsedBytes,
    long QuotaBytes,
    bool HasOwnQuota,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? LastSignInAt,
    bool TwoFactorEnabled,
    bool Disabled,
    bool IsAdmin,
    bool AdminByConfiguration);

public sealed record AdminUserPage(IReadOnlyList<AdminUser> Items, int Total, int Skip, int Take);

public sealed record InviteInfo(Guid Id, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, long? QuotaBytes, DateTimeOffset? UsedAt, string? UsedBy)
{
    public bool IsUsable(DateTimeOffset now) => UsedAt is null && ExpiresAt > now;
}

/// <summary>A new invite and its secret: shown once, only its hash is kept.</summary>
public sealed record CreatedInvite(InviteInfo Invite, string Secret);

public sealed record JobStatus(string Name, DateTimeOffset? LastRunAt, DateTimeOffset? LastErrorAt, string? LastError);

public sealed record InstanceOverview(
    int Users,
    int DisabledUsers,
    int Admins,
    int Files,
    int TrashedFiles,
    long LogicalBytes,
    long StoredBytes,
    long TrashBytes,
    int UnfinishedUploads,
    long? FreeDiskBytes,
    bool OnS3,
    IReadOnlyList<JobStatus> Jobs)
{
    /// <summary>What identical content stored once saves: logical minus stored, never below zero.</summary>
    public long SavedBytes => Math.Max(0, LogicalBytes - StoredBytes);
}

public sealed record AuditItem(long Id, DateTimeOffset At, string Actor, string Action, string? Target, string? Detail);

public sealed record AuditPage(IReadOnlyList<AuditItem> Items, int Total, int Skip, int Take);
