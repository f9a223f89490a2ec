using BlazorVault.Data;
using BlazorVault.Files;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Sharing;

/// <summary>What a request to a link's download wants, which decides whether it counts.</summary>
public enum ShareRequestKind
{
    /// <summary>A new download (no Range, or one starting at byte 0): counts.</summary>
    NewDownload,

    /// <summary>A Range request past byte 0, continuing a counted download: does not count.</summary>
    Continuation,

    /// <summary>HEAD: headers only, does not count.</summary>
    HeadersOnly,
}

public sealed record ShareLinkInfo(Guid Id, Guid FileId, string Token, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, int? MaxDownloads, int Downloads);

/// <summary>What a visitor of a valid link may see before downloading.</summary>
public sealed record SharedFile(ShareLinkInfo Link, FileItem File, string SharedBy);

public abstract record CreateLinkResult
{
    private CreateLinkResult()
    {
    }

    public sealed record Created(ShareLinkInfo Link) : CreateLinkResult;

    public sealed record FileNotFound : CreateLinkResult;

    public sealed record Invalid(string Field, string Message) : CreateLinkResult;
}

/// <summary>
/// Creates, lists, revokes and redeems share links. Owners act only on their own files; visitors
/// get the same "nothing" for every kind of bad link, and the reason goes to the log.
/// </summary>
public sealed class ShareLinkService(
    IDbContextFactory<VaultDbContext> dbFactory,
    LinkTokenService tokens,
    FileService files,
    IOptions<ShareOptions> options,
    TimeProvider clock,
    ILogger<ShareLinkService> logger)
{
    public const int MaxDownloadsLimit = 1_000_000;

    private ShareOptions Settings => options.Value;

    public async Task<CreateLinkResult> CreateAsync(string ownerId, Guid fileId, TimeSpan? lifetime, int? maxDownloads, CancellationToken cancellationToken = default)
    {
        var life = lifetime ?? Settings.DefaultLifetime;
        if (life <= TimeSpan.Zero || life > Settings.MaxLifetime)
        {
            return new CreateLinkResult.Invalid("expiresInHours", $"A link can last from a few minutes up to {Settings.MaxLifetime.TotalHours:0} hours.");
        }

        if (maxDownloads is < 1 or > MaxDownloadsLimit)
        {
            return new CreateLinkResult.Invalid("maxDownloads", $"The download limit must be between 1 and {MaxDownloadsLimit:N0}, or none.");
        }

        if (await files.GetAsync(ownerId, fileId, cancellationToken) is null)
        {
            return new CreateLinkResult.FileNotFound();
        }

        var now = clock.GetUtcNow();
        // Whole seconds: the token's exp has no finer grain, and the row must agree with it.
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        var link = new ShareLink
        {
            Id = Guid.CreateVersion7(now),
            FileId = fileId,
            CreatedById = ownerId,
            CreatedAt = now,
            ExpiresAt = now + life,
            MaxDownloads = maxDownloads,
        };

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ShareLinks.Add(link);
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("Share link {LinkId} created for file {FileId}", link.Id, fileId);
        return new CreateLinkResult.Created(Describe(link));
    }

    /// <summary>The owner's links to a file that still work; null when the file is not theirs.</summary>
    public async Task<IReadOnlyList<ShareLinkInfo>?> ListActiveAsync(string ownerId, Guid fileId, CancellationToken cancellationToken = default)
    {
        if (await files.GetAsync(ownerId, fileId, cancellationToken) is null)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var links = await db.ShareLinks.AsNoTracking()
            .Where(l => l.FileId == fileId && l.RevokedAt == null)
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return [.. links
            .Where(l => l.ExpiresAt > now && (l.MaxDownloads is null || l.Downloads < l.MaxDownloads))
            .OrderByDescending(l => l.CreatedAt)
            .Select(Describe)];
    }

    /// <summary>Ends a link of one of the owner's files; false when there is no such link.</summary>
    public async Task<bool> RevokeAsync(string ownerId, Guid linkId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owned = db.Files.Where(f => f.OwnerId == ownerId).Select(f => f.Id);
        var now = clock.GetUtcNow();
        var changed = await db.ShareLinks
            .Where(l => l.Id == linkId && l.RevokedAt == null && owned.Contains(l.FileId))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.RevokedAt, now), cancellationToken);
        if (changed > 0)
        {
            logger.LogInformation("Share link {LinkId} revoked", linkId);
        }

        return changed > 0;
    }

    /// <summary>The file behind a link, without counting a download; null for every kind of bad link.</summary>
    public async Task<SharedFile?> PeekAsync(string? token, CancellationToken cancellationToken = default)
    {
        var claims = await tokens.ValidateAsync(token);
        if (claims is null)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await (
            from link in db.ShareLinks.AsNoTracking()
            join file in db.Files.AsNoTracking() on link.FileId equals file.Id
            join user in db.Users.AsNoTracking() on file.OwnerId equals user.Id
            // A file in the trash is not shared; restored, its links work again.
            where link.Id == claims.LinkId && link.FileId == claims.FileId && file.TrashId == null
            select new { link, file, SharedBy = user.UserName }).SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            logger.LogInformation("Share link {LinkId} refused: no such link or file", claims.LinkId);
            return null;
        }

        var refusal = Refusal(row.link, clock.GetUtcNow());
        if (refusal is not null)
        {
            logger.LogInformation("Share link {LinkId} refused: {Reason}", row.link.Id, refusal);
            return null;
        }

        return new SharedFile(Describe(row.link), FileItem.From(row.file), row.SharedBy ?? "someone");
    }

    /// <summary>
    /// Opens the file behind a link for download. A download that starts at byte 0 counts, atomically:
    /// with one download left and many requests at once, exactly one gets the file. A Range request
    /// that continues a download (starts past byte 0) and a HEAD request do not count; they are served
    /// while the link has downloads left, or within <see cref="ShareOptions.ResumeWindow"/> of its last
    /// counted download (a continuation also needs a download to continue).
    /// </summary>
    public async Task<FileContent?> RedeemAsync(string? token, ShareRequestKind kind, CancellationToken cancellationToken = default)
    {
        var claims = await tokens.ValidateAsync(token);
        if (claims is null)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var link = await db.ShareLinks.AsNoTracking().SingleOrDefaultAsync(l => l.Id == claims.LinkId && l.FileId == claims.FileId, cancellationToken);
        var now = clock.GetUtcNow();
        if (link is null || link.RevokedAt is not null || link.ExpiresAt <= now)
        {
            logger.LogInformation("Share download {LinkId} refused: {Reason}", claims.LinkId, link is null ? "no such link" : Refusal(link, now));
            return null;
        }

        var hasDownloadsLeft = link.MaxDownloads is null || link.Downloads < link.MaxDownloads;
        var withinResumeWindow = link.Downloads > 0 && link.LastDownloadAt + Settings.ResumeWindow > now;
        if (kind == ShareRequestKind.Continuation && !(link.Downloads > 0 && (hasDownloadsLeft || withinResumeWindow)))
        {
            logger.LogInformation("Share download {LinkId} refused: range request with no download to continue", link.Id);
            return null;
        }
        else if (kind == ShareRequestKind.HeadersOnly && !(hasDownloadsLeft || withinResumeWindow))
        {
            logger.LogInformation("Share download {LinkId} refused: used up", link.Id);
            return null;
        }
        else if (kind == ShareRequestKind.NewDownload)
        {
            // One statement, so two requests can never both take the last download.
            var counted = await db.ShareLinks
                .Where(l => l.Id == link.Id && l.RevokedAt == null && (l.MaxDownloads == null || l.Downloads < l.MaxDownloads)
                    && db.Files.Any(f => f.Id == l.FileId && f.TrashId == null))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(l => l.Downloads, l => l.Downloads + 1)
                    .SetProperty(l => l.LastDownloadAt, now), cancellationToken);
            if (counted == 0)
            {
                logger.LogInformation("Share download {LinkId} refused: used up or revoked", link.Id);
                return null;
            }
        }

        var content = await files.OpenForSharingAsync(link.FileId, cancellationToken);
        if (content is null)
        {
            logger.LogInformation("Share download {LinkId} refused: the file is gone", link.Id);
        }

        return content;
    }

    private ShareLinkInfo Describe(ShareLink link) =>
        new(link.Id, link.FileId, tokens.Create(link), link.CreatedAt, link.ExpiresAt, link.MaxDownloads, link.Downloads);

    private static string? Refusal(ShareLink link, DateTimeOffset now) =>
        link.RevokedAt is not null ? "revoked"
        : link.ExpiresAt <= now ? "expired"
        : link.MaxDownloads is { } max && link.Downloads >= max ? "used up"
        : null;
}
