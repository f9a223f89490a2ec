using BlazorVault.Files;
using BlazorVault.Files.Tree;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Sharing;

/// <summary>What a visitor of a working file request sees: who asks, until when, and the request's own limits (never what others sent).</summary>
public sealed record FileRequest(ShareLinkInfo Link, string RequestedBy);

/// <summary>What a file request is asked for: where files land, how long it works, its password and its limits.</summary>
/// <param name="FolderId">The target folder; null for the owner's root.</param>
/// <param name="Lifetime">Null for <see cref="ShareOptions.DefaultLifetime"/>.</param>
/// <param name="Password">Null or empty for none.</param>
/// <param name="MaxFiles">Null for no limit on the number of files.</param>
/// <param name="MaxBytes">Null for no limit on the bytes in all (the owner's quota still holds).</param>
public sealed record FileRequestSpec(Guid? FolderId, TimeSpan? Lifetime, string? Password, int? MaxFiles, long? MaxBytes);

/// <summary>
/// File requests: upload-only links into one of the owner's folders. A visitor sends files (FileRequestEndpoints,
/// over tus) and may leave a name and a note; the files land in a subfolder named after the visitor (or directly
/// in the target folder without a name), under a new name when one is taken, charged to the owner's quota. The
/// visitor sees nothing of the folder or of other uploads.
/// </summary>
public sealed partial class ShareLinkService
{
    public const int MaxFilesLimit = 100_000;

    /// <summary>The longest visitor name kept (as a folder name).</summary>
    public const int MaxVisitorNameLength = 64;

    /// <summary>The longest note kept.</summary>
    public const int MaxNoteLength = 2_000;

    public async Task<CreateLinkResult> CreateRequestAsync(string ownerId, FileRequestSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!string.IsNullOrEmpty(spec.Password) && LinkPasswords.Problem(spec.Password) is { } problem)
        {
            return new CreateLinkResult.Invalid("password", problem);
        }

        var life = spec.Lifetime ?? Settings.DefaultLifetime;
        if (life <= TimeSpan.Zero || life > Settings.MaxLifetime)
        {
            return new CreateLinkResult.Invalid("expiresInHours", $"A link can last from a few minutes up to {Settings.MaxLifetime.TotalHours:0} hours.");
        }

        if (FilesLimitProblem(spec.MaxFiles) is { } filesProblem)
        {
            return new CreateLinkResult.Invalid("maxFiles", filesProblem);
        }

        if (BytesLimitProblem(spec.MaxBytes) is { } bytesProblem)
        {
            return new CreateLinkResult.Invalid("maxBytes", bytesProblem);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (spec.FolderId is { } folderId && await TreeQueries.LiveFolderAsync(db, ownerId, folderId, cancellationToken) is null)
        {
            return new CreateLinkResult.FileNotFound();
        }

        var link = NewLink(ownerId, life, spec.Password);
        link.Kind = ShareLinkKind.Upload;
        link.FolderId = spec.FolderId;
        link.MaxFiles = spec.MaxFiles;
        link.MaxBytes = spec.MaxBytes;
        db.ShareLinks.Add(link);
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("File request {LinkId} created for folder {FolderId}", link.Id, spec.FolderId);
        return new CreateLinkResult.Created(Describe(link, link.CreatedAt));
    }

    public static string? FilesLimitProblem(int? maxFiles) =>
        maxFiles is < 1 or > MaxFilesLimit ? $"The file limit must be between 1 and {MaxFilesLimit:N0}, or none." : null;

    public static string? BytesLimitProblem(long? maxBytes) =>
        maxBytes is < 1 ? "The byte limit must be at least 1 byte, or none." : null;

    /// <summary>
    /// The page of a link when it is a file request: the drop zone, the password prompt, or nothing (a request
    /// that no longer works). Null when the link is not a file request at all (then it is some other link's page).
    /// </summary>
    public async Task<LinkPage?> OpenRequestAsync(string? link, string? proof, CancellationToken cancellationToken = default)
    {
        if (!IsPublicId(link))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await (
            from l in db.ShareLinks.AsNoTracking()
            join user in db.Users.AsNoTracking() on l.CreatedById equals user.Id
            where l.PublicId == link && l.Kind == ShareLinkKind.Upload
            select new { link = l, user.UserName, user.DisabledAt }).SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        if (row.DisabledAt is not null || !await UsableRequestAsync(db, row.link, cancellationToken))
        {
            return new LinkPage.Gone();
        }

        return await ProvesPasswordAsync(row.link, proof)
            ? new LinkPage.Request(new FileRequest(Describe(row.link, clock.GetUtcNow()), row.UserName ?? "someone"))
            : new LinkPage.Locked(row.link.Id);
    }

    /// <summary>
    /// The file request a visitor's upload request goes through, re-checked for every request: a working upload
    /// link (not revoked or expired, its owner not disabled, its folder live) whose password, if any, the visitor
    /// proved. Null for every refusal.
    /// </summary>
    public async Task<ShareLink?> RequestForUploadAsync(string? link, string? proof, CancellationToken cancellationToken = default)
    {
        if (!IsPublicId(link))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.ShareLinks.AsNoTracking().SingleOrDefaultAsync(
            l => l.PublicId == link && l.Kind == ShareLinkKind.Upload && db.Users.Any(u => u.Id == l.CreatedById && u.DisabledAt == null),
            cancellationToken);
        if (row is null || !await UsableRequestAsync(db, row, cancellationToken) || !await ProvesPasswordAsync(row, proof))
        {
            return null;
        }

        return row;
    }

    private async Task<bool> UsableRequestAsync(Data.VaultDbContext db, ShareLink link, CancellationToken cancellationToken)
    {
        if (Refusal(link, clock.GetUtcNow()) is { } refusal)
        {
            logger.LogInformation("File request {LinkId} refused: {Reason}", link.Id, refusal);
            return false;
        }

        // A target folder in the trash (or gone) takes nothing; restored, the request works again.
        if (link.FolderId is { } folderId && await TreeQueries.LiveFolderAsync(db, link.CreatedById, folderId, cancellationToken) is null)
        {
            logger.LogInformation("File request {LinkId} refused: its folder is gone or in the trash", link.Id);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Where a visitor's files go below the request's folder: a subfolder named after the visitor (cleaned), or
    /// none without a name. When a file of the owner's already has that name, the subfolder gets a free name
    /// instead, so that the answer never tells the visitor what the folder holds.
    /// </summary>
    public async Task<string?> VisitorFolderAsync(ShareLink link, string? visitorName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (CleanVisitorName(visitorName) is not { } name)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = NameKeys.For(name);
        var owner = link.CreatedById;
        if (await db.Folders.AnyAsync(f => f.OwnerId == owner && f.ParentId == link.FolderId && f.NameKey == key && f.TrashId == null, cancellationToken))
        {
            return name;
        }

        return await db.Files.AnyAsync(f => f.OwnerId == owner && f.FolderId == link.FolderId && f.NameKey == key && f.TrashId == null, cancellationToken)
            ? await TreeQueries.FreeNameAsync(db, owner, link.FolderId, name, except: null, cancellationToken)
            : name;
    }

    /// <summary>A visitor's name as a folder name: no path separators, control characters or outer spaces, at most <see cref="MaxVisitorNameLength"/> characters; null when nothing is left.</summary>
    public static string? CleanVisitorName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var clean = FileNames.Sanitize(name.Replace('/', '-').Replace('\\', '-'));
        if (clean is null)
        {
            return null;
        }

        if (clean.Length > MaxVisitorNameLength)
        {
            clean = clean[..MaxVisitorNameLength];
            if (char.IsHighSurrogate(clean[^1]))
            {
                clean = clean[..^1];
            }

            clean = clean.TrimEnd();
        }

        return TreeQueries.SplitPath(clean) is { Count: 1 } ? clean : null;
    }

    /// <summary>
    /// Keeps a visitor's note for the owner: a small text file "Note from NAME.txt" (or "Note.txt") next to the
    /// visitor's files, charged to the owner's quota like them; a taken name gets a new one.
    /// </summary>
    public async Task<UploadResult> SaveNoteAsync(ShareLink link, string? visitorFolder, string note, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        var text = note.Length > MaxNoteLength ? note[..MaxNoteLength] : note;
        var name = visitorFolder is null ? "Note.txt" : $"Note from {visitorFolder}.txt";
        var bytes = System.Text.Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n") + "\n");
        using var content = new MemoryStream(bytes);
        return await files.UploadAsync(
            link.CreatedById, name, "text/plain", content, cancellationToken: cancellationToken, declaredBytes: bytes.Length,
            placement: new Placement(link.FolderId, visitorFolder, NameConflict.Rename));
    }
}
