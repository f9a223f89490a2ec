using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Sharing;

/// <summary>What an owner changes about a link; what is not given stays as it is.</summary>
/// <param name="Lifetime">A new expiry, this long from now.</param>
/// <param name="ChangesMaxDownloads">Whether <paramref name="MaxDownloads"/> applies (null then removes the limit).</param>
/// <param name="MaxDownloads">The new download limit.</param>
/// <param name="ChangesPassword">Whether <paramref name="Password"/> applies (null or empty then removes the password).</param>
/// <param name="Password">The new password.</param>
/// <param name="ChangesMaxFiles">Whether <paramref name="MaxFiles"/> applies (file requests only; null then removes the limit).</param>
/// <param name="MaxFiles">A file request's new limit on files.</param>
/// <param name="ChangesMaxBytes">Whether <paramref name="MaxBytes"/> applies (file requests only; null then removes the limit).</param>
/// <param name="MaxBytes">A file request's new limit on bytes.</param>
public sealed record LinkChanges(
    TimeSpan? Lifetime = null, bool ChangesMaxDownloads = false, int? MaxDownloads = null, bool ChangesPassword = false, string? Password = null,
    bool ChangesMaxFiles = false, int? MaxFiles = null, bool ChangesMaxBytes = false, long? MaxBytes = null);

public abstract record UpdateLinkResult
{
    private UpdateLinkResult()
    {
    }

    public sealed record Updated(ShareLinkInfo Link) : UpdateLinkResult;

    /// <summary>No such link of this owner's, or it was revoked.</summary>
    public sealed record NotFound : UpdateLinkResult;

    public sealed record Invalid(string Field, string Message) : UpdateLinkResult;
}

/// <summary>One of an owner's links on the Links page: the link, and the name of its file (of its folder, for a folder link or a file request: "My files" for the root).</summary>
public sealed record OwnedLink(ShareLinkInfo Link, string FileName, bool FileInTrash);

/// <summary>A page of an owner's links, newest first, and how many there are in all.</summary>
public sealed record OwnedLinkPage(IReadOnlyList<OwnedLink> Items, int Total);

public sealed partial class ShareLinkService
{
    /// <summary>How the Links page names the root folder, a file request's target when it has no folder.</summary>
    public const string RootName = "My files";

    /// <summary>
    /// Changes a link's expiry, download limit or password; its URL stays. A new or removed password ends every
    /// proof and download grant handed out under the old one, and lifts a pause.
    /// </summary>
    public async Task<UpdateLinkResult> UpdateAsync(string ownerId, Guid linkId, LinkChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Lifetime is { } life && (life <= TimeSpan.Zero || life > Settings.MaxLifetime))
        {
            return new UpdateLinkResult.Invalid("expiresInHours", $"A link can last from a few minutes up to {Settings.MaxLifetime.TotalHours:0} hours.");
        }

        if (changes.ChangesMaxDownloads && changes.MaxDownloads is < 1 or > MaxDownloadsLimit)
        {
            return new UpdateLinkResult.Invalid("maxDownloads", $"The download limit must be between 1 and {MaxDownloadsLimit:N0}, or none.");
        }

        var newPassword = changes.ChangesPassword && !string.IsNullOrEmpty(changes.Password) ? changes.Password : null;
        if (newPassword is not null && LinkPasswords.Problem(newPassword) is { } problem)
        {
            return new UpdateLinkResult.Invalid("password", problem);
        }

        if (changes.ChangesMaxFiles && FilesLimitProblem(changes.MaxFiles) is { } filesProblem)
        {
            return new UpdateLinkResult.Invalid("maxFiles", filesProblem);
        }

        if (changes.ChangesMaxBytes && BytesLimitProblem(changes.MaxBytes) is { } bytesProblem)
        {
            return new UpdateLinkResult.Invalid("maxBytes", bytesProblem);
        }

        var now = clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        var hash = newPassword is null ? null : passwords.Hash(newPassword);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (changes.ChangesMaxFiles || changes.ChangesMaxBytes || changes.ChangesMaxDownloads)
        {
            // Each limit belongs to one kind: downloads to download links, files and bytes to file requests.
            var kind = await db.ShareLinks.Where(l => l.Id == linkId && l.CreatedById == ownerId && l.RevokedAt == null)
                .Select(l => (ShareLinkKind?)l.Kind).SingleOrDefaultAsync(cancellationToken);
            if (kind is null)
            {
                return new UpdateLinkResult.NotFound();
            }

            if (kind == ShareLinkKind.Upload && changes.ChangesMaxDownloads)
            {
                return new UpdateLinkResult.Invalid("maxDownloads", "A file request has no download limit; give maxFiles or maxBytes.");
            }

            if (kind != ShareLinkKind.Upload && (changes.ChangesMaxFiles || changes.ChangesMaxBytes))
            {
                return new UpdateLinkResult.Invalid(changes.ChangesMaxFiles ? "maxFiles" : "maxBytes", "Only a file request has limits on files and bytes.");
            }
        }

        var changed = await db.ShareLinks
            .Where(l => l.Id == linkId && l.CreatedById == ownerId && l.RevokedAt == null)
            .ExecuteUpdateAsync(
                s =>
                {
                    if (changes.Lifetime is { } lifetime)
                    {
                        s.SetProperty(l => l.ExpiresAt, now + lifetime);
                    }

                    if (changes.ChangesMaxDownloads)
                    {
                        s.SetProperty(l => l.MaxDownloads, changes.MaxDownloads);
                    }

                    if (changes.ChangesMaxFiles)
                    {
                        s.SetProperty(l => l.MaxFiles, changes.MaxFiles);
                    }

                    if (changes.ChangesMaxBytes)
                    {
                        s.SetProperty(l => l.MaxBytes, changes.MaxBytes);
                    }

                    if (changes.ChangesPassword)
                    {
                        s.SetProperty(l => l.PasswordHash, hash)
                            .SetProperty(l => l.PasswordVersion, l => l.PasswordVersion + 1)
                            .SetProperty(l => l.PasswordFailures, 0)
                            .SetProperty(l => l.PausedUntil, DateTimeOffset.UnixEpoch);
                    }
                },
                CancellationToken.None);
        if (changed == 0)
        {
            return new UpdateLinkResult.NotFound();
        }

        logger.LogInformation(
            "Share link {LinkId} changed{Expiry}{Limit}{Password}", linkId,
            changes.Lifetime is null ? "" : ": expiry", changes.ChangesMaxDownloads ? ": download limit" : "",
            !changes.ChangesPassword ? "" : hash is null ? ": password removed" : ": password set");
        var link = await db.ShareLinks.AsNoTracking().SingleAsync(l => l.Id == linkId, CancellationToken.None);
        return new UpdateLinkResult.Updated(Describe(link, clock.GetUtcNow()));
    }

    /// <summary>All of an owner's links, revoked ones too, newest first.</summary>
    public async Task<OwnedLinkPage> ListAllAsync(string ownerId, int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owned = db.ShareLinks.AsNoTracking().Where(l => l.CreatedById == ownerId);
        var total = await owned.CountAsync(cancellationToken);
        var rows = await (
            from l in owned
            // A file request names a folder, not a file (and no folder: the root).
            from file in db.Files.AsNoTracking().Where(f => f.Id == l.FileId).DefaultIfEmpty()
            from folder in db.Folders.AsNoTracking().Where(f => f.Id == l.FolderId).DefaultIfEmpty()
            orderby l.Id descending
            select new { link = l, Name = file != null ? file.Name : folder != null ? folder.Name : null, InTrash = file != null ? file.TrashId != null : folder != null && folder.TrashId != null })
            .Skip(skip).Take(take)
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return new OwnedLinkPage([.. rows.Select(r => new OwnedLink(Describe(r.link, now), r.Name ?? RootName, r.InTrash))], total);
    }

    /// <summary>One of an owner's links; null when there is no such link of theirs.</summary>
    public async Task<OwnedLink?> GetOwnedAsync(string ownerId, Guid linkId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await (
            from l in db.ShareLinks.AsNoTracking()
            from file in db.Files.AsNoTracking().Where(f => f.Id == l.FileId).DefaultIfEmpty()
            from folder in db.Folders.AsNoTracking().Where(f => f.Id == l.FolderId).DefaultIfEmpty()
            where l.Id == linkId && l.CreatedById == ownerId
            select new { link = l, Name = file != null ? file.Name : folder != null ? folder.Name : null, InTrash = file != null ? file.TrashId != null : folder != null && folder.TrashId != null })
            .SingleOrDefaultAsync(cancellationToken);
        return row is null ? null : new OwnedLink(Describe(row.link, clock.GetUtcNow()), row.Name ?? RootName, row.InTrash);
    }
}
