using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Files;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Sharing;

/// <summary>Who asks for a link's page or download: what identifies a client that may resume a counted download, what it proved, and what the access log keeps of it.</summary>
/// <param name="Address">The client's address (a resume by the same address needs no cookie: <c>curl -C -</c>).</param>
/// <param name="ResumeSecret">The resume cookie handed out with a counted download, when the client sent it back.</param>
/// <param name="PasswordProof">The proof cookie handed out for the right password of a link that has one (<see cref="LinkTokenService.CreatePasswordProof"/>).</param>
/// <param name="UserAgent">For the access log's browser family.</param>
public sealed record ShareClient(string? Address, string? ResumeSecret = null, string? PasswordProof = null, string? UserAgent = null)
{
    /// <summary>The cookie that lets the client of a counted download resume it (<see cref="ShareResumeGrant"/>).</summary>
    public const string ResumeCookie = "vault-resume";

    /// <summary>The cookie with the proof of a link's password, scoped to the link's path.</summary>
    public const string PasswordCookie = "vault-link-pass";

    public static ShareClient From(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        return new(context.Connection.RemoteIpAddress?.ToString(), request.Cookies[ResumeCookie], request.Cookies[PasswordCookie], request.Headers.UserAgent.ToString());
    }
}

/// <summary>A link's download, allowed: what to send, and a new resume secret when this one was counted.</summary>
public sealed record RedeemedDownload(FileContent Content, DownloadPlan Plan, string? ResumeSecret, Guid LinkId = default);

/// <summary>Whether a link still works, as its owner sees it.</summary>
public enum LinkState
{
    Active,
    UsedUp,
    Expired,
    Revoked,
}

/// <param name="PublicId">The id in the link's URL, <c>/s/{PublicId}</c>.</param>
/// <param name="PausedUntil">Set while the link refuses every password after too many wrong ones.</param>
public sealed record ShareLinkInfo(
    Guid Id, Guid? FileId, string PublicId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, int? MaxDownloads, int Downloads, LinkState State,
    bool HasPassword = false, DateTimeOffset? PausedUntil = null, ShareLinkKind Kind = ShareLinkKind.File, Guid? FolderId = null,
    int? MaxFiles = null, long? MaxBytes = null, int FilesReceived = 0, long BytesReceived = 0)
{
    public int? DownloadsLeft => MaxDownloads is { } max ? Math.Max(0, max - Downloads) : null;
}

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
/// A link with a password serves nothing, neither bytes nor what the file is, without a proof of that
/// password for that link (see ShareLinkService.Passwords.cs).
/// </summary>
public sealed partial class ShareLinkService(
    IDbContextFactory<VaultDbContext> dbFactory,
    ReadLanes reads,
    LinkTokenService tokens,
    FileService files,
    LinkPasswords passwords,
    ShareAccessLog accessLog,
    DownloadTally tally,
    LimitedDownloadCounts limitedCounts,
    IOptions<ShareOptions> options,
    TimeProvider clock,
    ILogger<ShareLinkService> logger)
{
    public const int MaxDownloadsLimit = 1_000_000;

    private ShareOptions Settings => options.Value;

    private sealed record LinkedFile(ShareLink Link, FileItem File);

    // A link with its live file, while the file's owner may share: the one read of a download, a statement
    // prepared on a warm connection (RowRead).
    private static readonly RowRead<(Guid LinkId, Guid FileId), LinkedFile> LinkedFileRow = new(
        sql => $"SELECT {sql.SelectAll<ShareLink>("l")}, {FileService.SelectItem(sql, "f")} "
            + $"FROM {sql.Table<ShareLink>("l")} INNER JOIN {sql.Table<StoredFile>("f")} "
            + $"ON {sql.Column<ShareLink>(nameof(ShareLink.FileId), "l")} = {sql.Column<StoredFile>(nameof(StoredFile.Id), "f")} "
            + $"WHERE {sql.Column<ShareLink>(nameof(ShareLink.Id), "l")} = {sql.Parameter<ShareLink>(nameof(ShareLink.Id))} "
            + $"AND {sql.Column<ShareLink>(nameof(ShareLink.FileId), "l")} = {sql.Parameter<ShareLink>(nameof(ShareLink.FileId))} "
            + $"AND {sql.Column<StoredFile>(nameof(StoredFile.TrashId), "f")} IS NULL "
            + $"AND EXISTS (SELECT 1 FROM {sql.Table<VaultUser>("u")} WHERE {sql.Column<VaultUser>(nameof(VaultUser.Id), "u")} = "
            + $"{sql.Column<StoredFile>(nameof(StoredFile.OwnerId), "f")} AND {sql.Column<VaultUser>(nameof(VaultUser.DisabledAt), "u")} IS NULL)",
        static (values, a) =>
        {
            values.Set(0, a.LinkId);
            values.Set(1, a.FileId);
        },
        static row =>
        {
            var link = row.Entity<ShareLink>(0, out var next);
            return new LinkedFile(link, FileService.ItemOf(row, next));
        });

    public Task<CreateLinkResult> CreateAsync(string ownerId, Guid fileId, TimeSpan? lifetime, int? maxDownloads, CancellationToken cancellationToken = default) =>
        CreateAsync(ownerId, fileId, lifetime, maxDownloads, null, cancellationToken);

    /// <param name="ownerId">Who creates it: the file's owner.</param>
    /// <param name="fileId">The file.</param>
    /// <param name="lifetime">How long it works; null for <see cref="ShareOptions.DefaultLifetime"/>.</param>
    /// <param name="maxDownloads">Null for no limit.</param>
    /// <param name="password">Null or empty for none.</param>
    /// <param name="cancellationToken">Ends the wait for the database.</param>
    public async Task<CreateLinkResult> CreateAsync(string ownerId, Guid fileId, TimeSpan? lifetime, int? maxDownloads, string? password, CancellationToken cancellationToken = default)
    {
        var life = lifetime ?? Settings.DefaultLifetime;
        if (LinkProblem(life, maxDownloads, password) is { } problem)
        {
            return problem;
        }

        if (await files.GetAsync(ownerId, fileId, cancellationToken) is null)
        {
            return new CreateLinkResult.FileNotFound();
        }

        var link = NewLink(ownerId, life, password);
        link.FileId = fileId;
        link.MaxDownloads = maxDownloads;

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ShareLinks.Add(link);
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("Share link {LinkId} created for file {FileId}", link.Id, fileId);
        return new CreateLinkResult.Created(Describe(link, link.CreatedAt));
    }

    /// <summary>What is wrong with a new link's settings, whatever it links to; null when nothing is.</summary>
    private CreateLinkResult.Invalid? LinkProblem(TimeSpan life, int? maxDownloads, string? password) =>
        !string.IsNullOrEmpty(password) && LinkPasswords.Problem(password) is { } problem ? new("password", problem)
        : life <= TimeSpan.Zero || life > Settings.MaxLifetime ? new("expiresInHours", $"A link can last from a few minutes up to {Settings.MaxLifetime.TotalHours:0} hours.")
        : maxDownloads is < 1 or > MaxDownloadsLimit ? new("maxDownloads", $"The download limit must be between 1 and {MaxDownloadsLimit:N0}, or none.")
        : null;

    /// <summary>
    /// The owner's links to a file that were not revoked, newest first: working ones and those used up or
    /// expired, which stay listed (marked) so that a link does not vanish without a trace; revoking removes
    /// one. Null when the file is not theirs.
    /// </summary>
    public async Task<IReadOnlyList<ShareLinkInfo>?> ListAsync(string ownerId, Guid fileId, CancellationToken cancellationToken = default)
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
        return [.. links.OrderByDescending(l => l.CreatedAt).Select(l => Describe(l, now))];
    }

    /// <summary>Ends a link of one of the owner's files; false when there is no such link.</summary>
    public async Task<bool> RevokeAsync(string ownerId, Guid linkId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var changed = await db.ShareLinks
            .Where(l => l.Id == linkId && l.RevokedAt == null && l.CreatedById == ownerId)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.RevokedAt, now), cancellationToken);
        if (changed > 0)
        {
            logger.LogInformation("Share link {LinkId} revoked", linkId);
        }

        return changed > 0;
    }

    /// <summary>
    /// The file behind a link, without counting a download; null for every kind of bad link, and for a link
    /// with a password that <paramref name="proof"/> does not prove.
    /// <paramref name="link"/> is what follows <c>/s/</c>: a link's public id, or the token of a link handed out before short URLs.
    /// </summary>
    public async Task<SharedFile?> PeekAsync(string? link, string? proof = null, CancellationToken cancellationToken = default) =>
        await OpenAsync(link, proof, cancellationToken) is LinkPage.Open open ? open.Shared : null;

    /// <summary>What the page of a link shows: nothing, a password prompt, or the file.</summary>
    public async Task<LinkPage> OpenAsync(string? link, string? proof, CancellationToken cancellationToken = default)
    {
        var named = await NamedByAsync(link);
        if (named is null)
        {
            return new LinkPage.Gone();
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.ShareLinks.AsNoTracking().Where(named).AnyAsync(l => l.Kind == ShareLinkKind.Folder, cancellationToken))
        {
            return await OpenFolderAsync(link, proof, null, 1, cancellationToken);
        }

        var row = await (
            from l in db.ShareLinks.AsNoTracking().Where(named)
            join file in db.Files.AsNoTracking() on l.FileId equals file.Id
            join user in db.Users.AsNoTracking() on file.OwnerId equals user.Id
            // A file in the trash is not shared; restored, its links work again. So with a disabled owner.
            where file.TrashId == null && user.DisabledAt == null
            select new { link = l, file, SharedBy = user.UserName }).SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            logger.LogInformation("Share link refused: no such link or file");
            return new LinkPage.Gone();
        }

        var now = clock.GetUtcNow();
        var refusal = Refusal(row.link, now);
        if (refusal is not null)
        {
            logger.LogInformation("Share link {LinkId} refused: {Reason}", row.link.Id, refusal);
            return new LinkPage.Gone();
        }

        if (!await ProvesPasswordAsync(row.link, proof))
        {
            return new LinkPage.Locked(row.link.Id);
        }

        return new LinkPage.Open(new SharedFile(Describe(row.link, now), FileItem.From(row.file), row.SharedBy ?? "someone"));
    }

    /// <summary>
    /// The checks of a short link's download (not revoked, not expired, its file not in the trash, downloads
    /// left, or else a request that continues a download of this client), then a short-lived grant for
    /// <see cref="RedeemAsync"/>; null for every kind of bad link. Counts nothing: the grant's use does.
    /// </summary>
    public async Task<string?> GrantDownloadAsync(string? publicId, DownloadRequest request, ShareClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        if (!IsPublicId(publicId))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await (
            from l in db.ShareLinks.AsNoTracking()
            join file in db.Files.AsNoTracking() on l.FileId equals file.Id
            where l.PublicId == publicId && file.TrashId == null && db.Users.Any(u => u.Id == file.OwnerId && u.DisabledAt == null)
            select new { link = l, file }).SingleOrDefaultAsync(cancellationToken);
        var now = clock.GetUtcNow();
        if (row is null || !await MayGrantAsync(row.link, FileItem.From(row.file), request, client, now, cancellationToken))
        {
            logger.LogInformation("Share download grant refused for link {LinkId}", row?.link.Id);
            return null;
        }

        return tokens.CreateDownloadGrant(row.link, now + Settings.DownloadGrantLifetime);
    }

    /// <summary>
    /// Whether a download grant for <paramref name="file"/> may go to this client: the link's password is proven and the
    /// link works. Used up, only for what RedeemAsync would answer without counting, to a client holding a resume grant
    /// (not whole bytes, which would count and be refused), so anyone else gets the same 404 as before. For file links
    /// and for the files of folder links.
    /// </summary>
    private async Task<bool> MayGrantAsync(
        ShareLink link, FileItem file, DownloadRequest request, ShareClient client, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ProvesPasswordAsync(link, client.PasswordProof)
        && (Refusal(link, now) is not { } refusal
            || (refusal == UsedUp && request.PlanFor(file) is not { SendsBytes: true, IsProbe: false, Answer: DownloadAnswer.Full }
                && await HoldsGrantAsync(link.Id, file.Sha256, client, now, cancellationToken)));

    /// <summary>
    /// Opens the file behind a link for download and decides whether it counts, by what will be sent
    /// (<see cref="DownloadRequest.PlanFor"/>):
    /// <list type="bullet">
    /// <item>Bytes sent in full always count, atomically: with one download left and many requests at once, exactly one gets them.</item>
    /// <item>A single range from a client holding a resume grant of this link (a counted download of the same bytes,
    /// within <see cref="ShareOptions.ResumeWindow"/>) continues that download and does not count; from any other
    /// client it starts a download and counts.</item>
    /// <item>HEAD, 304, 412, 416 and the first-byte probe (<c>bytes=0-0</c>) send no file and do not count.</item>
    /// </list>
    /// Whatever does not count is only answered while the link has downloads left or the client holds a grant,
    /// so a used-up link is 404 to everyone else. A counted download hands out a new grant.
    /// </summary>
    /// <param name="token">A download grant, or the token of a link handed out before short URLs.</param>
    /// <param name="request">What the client asks for.</param>
    /// <param name="client">Who asks.</param>
    /// <param name="publicId">The short link the request came through: then only a download grant of that link is accepted.</param>
    /// <param name="cancellationToken">Ends the wait for the database.</param>
    public async Task<RedeemedDownload?> RedeemAsync(string? token, DownloadRequest request, ShareClient client, string? publicId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        var claims = await tokens.ValidateAsync(token);
        if (claims is null || claims.Use == LinkTokenUse.PasswordProof || (publicId is not null && !claims.IsDownloadGrant))
        {
            return null;
        }

        // Warm: the link and, for a part of a limited link's download, its grant, are read on every share download;
        // no connection is held while a limited link's count waits for its group's commit.
        var row = await reads.RowAsync(LinkedFileRow, (claims.LinkId, claims.FileId), cancellationToken);
        var now = clock.GetUtcNow();
        if (row is null || (publicId is not null && row.Link.PublicId != publicId) || row.Link.RevokedAt is not null || row.Link.ExpiresAt <= now)
        {
            logger.LogInformation("Share download {LinkId} refused: {Reason}", claims.LinkId, row is null ? "no such link, or its file is gone" : Refusal(row.Link, now));
            return null;
        }

        var link = row.Link;
        // A grant was minted after the password's proof, under the password it carries; an old link's token proves nothing.
        if (link.PasswordHash is not null
            && !(claims.IsDownloadGrant ? claims.PasswordVersion == link.PasswordVersion : await ProvesPasswordAsync(link, client.PasswordProof)))
        {
            logger.LogInformation("Share download {LinkId} refused: no proof of its password", link.Id);
            return null;
        }

        return await ServeAsync(link, files.ContentOf(row.File), request, client, now, cancellationToken);
    }

    /// <summary>The counting of <see cref="RedeemAsync"/>, once a link's checks let <paramref name="content"/> go: for a file link and for a file of a folder link.</summary>
    private async Task<RedeemedDownload?> ServeAsync(
        ShareLink link, FileContent content, DownloadRequest request, ShareClient client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var plan = request.PlanFor(content.File);
        if (link.MaxDownloads is null)
        {
            // No limit to hold: a download from the first byte counts, in memory (DownloadTally), and the rest
            // (continuations, HEAD, probes) is served as it comes; no grant is needed to tell them apart.
            if (plan.SendsBytes && !plan.IsProbe && plan.From == 0)
            {
                tally.Add(link.Id, now);
            }

            return new RedeemedDownload(content, plan, null, link.Id);
        }

        // Whole bytes always count, whoever asks: only a part can continue a counted download.
        var wholeDownload = plan.SendsBytes && !plan.IsProbe && plan.Answer == DownloadAnswer.Full;
        var resuming = !wholeDownload && await HoldsGrantAsync(link.Id, content.File.Sha256, client, now, cancellationToken);
        var counts = wholeDownload || (plan.SendsBytes && !plan.IsProbe && !resuming);
        if (!counts)
        {
            var hasDownloadsLeft = link.Downloads < link.MaxDownloads;
            if (!hasDownloadsLeft && !resuming)
            {
                logger.LogInformation("Share download {LinkId} refused: used up, and no download of this client to continue", link.Id);
                return null;
            }

            return new RedeemedDownload(content, plan, null, link.Id);
        }

        var secret = await CountAsync(link, content.File.Id, content.File.Sha256, client, now);
        if (secret is not null)
        {
            return new RedeemedDownload(content, plan, secret, link.Id);
        }

        // The last download went to a parallel request of this client (the first segment of a segmented
        // download, say); its grant committed with that count, so this range continues it.
        if (plan.Answer == DownloadAnswer.Partial && await HoldsGrantAsync(link.Id, content.File.Sha256, client, clock.GetUtcNow(), cancellationToken))
        {
            return new RedeemedDownload(content, plan, null, link.Id);
        }

        logger.LogInformation("Share download {LinkId} refused: used up or revoked", link.Id);
        return null;
    }

    /// <summary>Counts a download and records its resume grant, in one transaction; the grant's secret, or null when used up.</summary>
    private async Task<string?> CountAsync(ShareLink link, Guid? fileId, string sha256, ShareClient client, DateTimeOffset now)
    {
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        // Expired grants are left to ExpiredRowSweeper: every read checks the time, and this write stays short.
        var grant = new ShareResumeGrant
        {
            Id = Guid.CreateVersion7(now),
            LinkId = link.Id,
            CountedAt = now,
            ResumeUntil = now + Settings.ResumeWindow,
            SecretHash = HashOf(secret),
            ClientAddress = client.Address,
            Sha256 = sha256,
        };
        return await limitedCounts.CountAsync(link.Id, fileId, grant) ? secret : null;
    }

    private Task<bool> HoldsGrantAsync(Guid linkId, string sha256, ShareClient client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var secretHash = client.ResumeSecret is { Length: > 0 and <= 100 } secret ? HashOf(secret) : null;
        var address = client.Address;
        if (secretHash is null && address is null)
        {
            return Task.FromResult(false);
        }

        return reads.ReadAsync(
            (linkId, sha256, secretHash, address, now),
            static (db, a, ct) => db.ShareResumeGrants.AnyAsync(
                g => g.LinkId == a.linkId && g.ResumeUntil > a.now && g.Sha256 == a.sha256
                    && ((a.secretHash != null && g.SecretHash == a.secretHash) || (a.address != null && g.ClientAddress == a.address)),
                ct),
            cancellationToken);
    }

    private static string HashOf(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A new link of the owner's, of kind <see cref="ShareLinkKind.File"/> until the caller says otherwise: its ids, times and password.</summary>
    private ShareLink NewLink(string ownerId, TimeSpan life, string? password)
    {
        var now = clock.GetUtcNow();
        // Whole seconds: the token's exp has no finer grain, and the row must agree with it.
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        return new ShareLink
        {
            Id = Guid.CreateVersion7(now),
            PublicId = NewPublicId(),
            CreatedById = ownerId,
            CreatedAt = now,
            ExpiresAt = now + life,
            PasswordHash = string.IsNullOrEmpty(password) ? null : passwords.Hash(password),
            PasswordFailuresSince = DateTimeOffset.UnixEpoch,
            PausedUntil = DateTimeOffset.UnixEpoch,
        };
    }

    /// <summary>Whether a string can be a link's public id (what a database lookup is spent on).</summary>
    public static bool IsPublicId([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value) =>
        value is { Length: >= 16 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>128 random bits, base64url: 22 characters.</summary>
    private static string NewPublicId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Which row a link names: by its public id, or by the claims of an old link's token; null when it cannot name one.</summary>
    private async Task<Expression<Func<ShareLink, bool>>?> NamedByAsync(string? link)
    {
        if (IsPublicId(link))
        {
            return l => l.PublicId == link;
        }

        // Old links' URLs are whole JWTs; a JWT always has dots, a public id never does.
        if (link is null || !link.Contains('.', StringComparison.Ordinal))
        {
            logger.LogInformation("Share link refused: neither an id nor a token");
            return null;
        }

        var claims = await tokens.ValidateAsync(link);
        return claims is null || claims.Use == LinkTokenUse.PasswordProof ? null : l => l.Id == claims.LinkId && l.FileId == claims.FileId;
    }

    // A link without a limit may have downloads counted here and not yet written (DownloadTally): its owner sees them.
    private ShareLinkInfo Describe(ShareLink link, DateTimeOffset now) =>
        new(link.Id, link.FileId, link.PublicId, link.CreatedAt, link.ExpiresAt, link.MaxDownloads,
            link.Downloads + (link.MaxDownloads is null ? tally.PendingFor(link.Id) : 0),
            link.RevokedAt is not null ? LinkState.Revoked
            : link.ExpiresAt <= now ? LinkState.Expired
            : link.MaxDownloads is { } max && link.Downloads >= max ? LinkState.UsedUp
            : LinkState.Active,
            link.PasswordHash is not null,
            link.PausedUntil > now ? link.PausedUntil : null,
            link.Kind, link.FolderId, link.MaxFiles, link.MaxBytes, link.FilesReceived, link.BytesReceived);

    private const string UsedUp = "used up";

    private static string? Refusal(ShareLink link, DateTimeOffset now) =>
        link.RevokedAt is not null ? "revoked"
        : link.ExpiresAt <= now ? "expired"
        : link.MaxDownloads is { } max && link.Downloads >= max ? UsedUp
        : null;
}
