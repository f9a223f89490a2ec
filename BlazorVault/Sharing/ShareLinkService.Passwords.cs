using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Sharing;

/// <summary>What the public page of a link may show.</summary>
public abstract record LinkPage
{
    private LinkPage()
    {
    }

    /// <summary>Nothing: no such link, or it no longer works (the reason is only logged).</summary>
    public sealed record Gone : LinkPage;

    /// <summary>A working link with a password the visitor has not proven: only the prompt, nothing about the file.</summary>
    public sealed record Locked(Guid LinkId) : LinkPage;

    public sealed record Open(SharedFile Shared) : LinkPage;

    /// <summary>A folder link's page: one folder of its tree (<see cref="ShareLinkService.OpenFolderAsync"/>).</summary>
    public sealed record OpenFolder(SharedFolder Listing) : LinkPage;
    /// <summary>A working file request (upload link) whose password, if any, was proven: the drop zone (FileRequestForm).</summary>
    public sealed record Request(FileRequest Shared) : LinkPage;
}

/// <summary>The answer to a password given for a link.</summary>
public abstract record UnlockResult
{
    private UnlockResult()
    {
    }

    /// <summary>The right password: <see cref="Proof"/> goes into the link's cookie until <see cref="Expires"/>.</summary>
    public sealed record Unlocked(Guid LinkId, string Proof, DateTimeOffset Expires) : UnlockResult;

    /// <summary>
    /// A wrong password; also the answer for a link that does not exist, does not work or has no password,
    /// after the same bcrypt work, so that the answer tells nothing.
    /// </summary>
    public sealed record Wrong : UnlockResult;

    /// <summary>Too many wrong passwords: the link refuses every password for <see cref="Left"/>.</summary>
    public sealed record Paused(TimeSpan Left) : UnlockResult;
}

public sealed partial class ShareLinkService
{
    /// <summary>
    /// Checks a password for a link (<paramref name="link"/> as in its URL). Each wrong password counts toward
    /// the link's pause in one conditional statement, so parallel guesses cannot slip past the limit.
    /// </summary>
    public async Task<UnlockResult> UnlockAsync(string? link, string? password, ShareClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var named = await NamedByAsync(link);
        ShareLink? row = null;
        if (named is not null)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            row = await db.ShareLinks.AsNoTracking().Where(named)
                .Where(l => l.Kind == ShareLinkKind.File
                    ? db.Files.Any(f => f.Id == l.FileId && f.TrashId == null)
                    : l.FolderId == null || db.Folders.Any(f => f.Id == l.FolderId && f.TrashId == null))
                .SingleOrDefaultAsync(cancellationToken);
        }

        var now = clock.GetUtcNow();
        if (row is null || Refusal(row, now) is not null || row.PasswordHash is null)
        {
            // The same bcrypt work as a real check: the time taken tells nothing either.
            passwords.Verify(null, password);
            return new UnlockResult.Wrong();
        }

        if (row.PausedUntil > now)
        {
            passwords.Verify(null, password);
            logger.LogInformation("Share link {LinkId}: password refused, the link is paused", row.Id);
            return new UnlockResult.Paused(row.PausedUntil - now);
        }

        if (passwords.Verify(row.PasswordHash, password))
        {
            if (row.PasswordFailures > 0)
            {
                await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
                await db.ShareLinks.Where(l => l.Id == row.Id && l.PasswordVersion == row.PasswordVersion)
                    .ExecuteUpdateAsync(s => s.SetProperty(l => l.PasswordFailures, 0), CancellationToken.None);
            }

            var expires = now + Settings.PasswordProofLifetime;
            return new UnlockResult.Unlocked(row.Id, tokens.CreatePasswordProof(row, expires), expires < row.ExpiresAt ? expires : row.ExpiresAt);
        }

        accessLog.Record(row.Id, ShareAccessKind.PasswordFailure, client);
        return await CountFailureAsync(row, now);
    }

    private async Task<UnlockResult> CountFailureAsync(ShareLink link, DateTimeOffset now)
    {
        var limit = Settings.PasswordFailuresBeforePause;
        var windowStart = now - Settings.PasswordPause;
        var pauseEnd = now + Settings.PasswordPause;
        // Not cancellable: a wrong password always counts.
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        // The row stays locked by the update until the commit, so the read after it sees what this failure did,
        // not a later one's: with many failures at once, exactly the limit-th is the one that pauses.
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        // One statement, evaluated against the row as it was: a stale count starts again at 1, the limit-th
        // failure pauses the link and starts a new count.
        var counted = await db.ShareLinks
            .Where(l => l.Id == link.Id && l.PausedUntil <= now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(l => l.PausedUntil, l => l.PasswordFailuresSince > windowStart && l.PasswordFailures + 1 >= limit ? pauseEnd : l.PausedUntil)
                .SetProperty(l => l.PasswordFailures, l => l.PasswordFailuresSince <= windowStart ? 1 : l.PasswordFailures + 1 >= limit ? 0 : l.PasswordFailures + 1)
                .SetProperty(l => l.PasswordFailuresSince, l => l.PasswordFailuresSince <= windowStart || l.PasswordFailures + 1 >= limit ? now : l.PasswordFailuresSince),
                CancellationToken.None);
        var paused = await db.ShareLinks.AsNoTracking().Where(l => l.Id == link.Id).Select(l => l.PausedUntil).SingleOrDefaultAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        if (paused > now)
        {
            if (counted > 0 && paused == pauseEnd)
            {
                logger.LogWarning("Share link {LinkId} paused for {Pause} after {Limit} wrong passwords", link.Id, Settings.PasswordPause, limit);
            }

            return new UnlockResult.Paused(paused - now);
        }

        logger.LogInformation("Share link {LinkId}: wrong password", link.Id);
        return new UnlockResult.Wrong();
    }

    /// <summary>Whether a link may be used by this client: it has no password, or <paramref name="proof"/> proves its current one.</summary>
    private async Task<bool> ProvesPasswordAsync(ShareLink link, string? proof)
    {
        if (link.PasswordHash is null)
        {
            return true;
        }

        if (string.IsNullOrEmpty(proof))
        {
            return false;
        }

        var claims = await tokens.ValidateAsync(proof);
        var proven = claims is { Use: LinkTokenUse.PasswordProof } && claims.LinkId == link.Id && claims.FileId == (link.FileId ?? link.FolderId ?? Guid.Empty)
            && claims.PasswordVersion == link.PasswordVersion;
        if (!proven)
        {
            logger.LogInformation("Share link {LinkId}: the password proof is not for this link or its current password", link.Id);
        }

        return proven;
    }
}
