using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Sharing;

/// <summary>
/// A file request's limits on files and bytes. An upload reserves one file and its declared length when it is
/// created, in one conditional statement, so that parallel visitors can never together pass a limit; it gives
/// them back when it is terminated or expires unfinished (<see cref="BlazorVault.Files.Uploads.TusUploadService"/>).
/// </summary>
public static class FileRequestLimits
{
    /// <summary>Reserves one file of <paramref name="length"/> bytes against the link; false when that would pass a limit (or the link is revoked).</summary>
    public static async Task<bool> TryReserveAsync(VaultDbContext db, Guid linkId, long length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.ShareLinks
            .Where(l => l.Id == linkId && l.Kind == ShareLinkKind.Upload && l.RevokedAt == null
                && (l.MaxFiles == null || l.FilesReceived + 1 <= l.MaxFiles)
                && (l.MaxBytes == null || l.BytesReceived + length <= l.MaxBytes))
            .ExecuteUpdateAsync(
                s => s.SetProperty(l => l.FilesReceived, l => l.FilesReceived + 1).SetProperty(l => l.BytesReceived, l => l.BytesReceived + length),
                cancellationToken) == 1;
    }

    /// <summary>Gives back what an unfinished upload reserved (never below zero).</summary>
    public static Task ReleaseAsync(VaultDbContext db, Guid linkId, long length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.ShareLinks
            .Where(l => l.Id == linkId)
            .ExecuteUpdateAsync(
                s => s
                    .SetProperty(l => l.FilesReceived, l => l.FilesReceived > 0 ? l.FilesReceived - 1 : 0)
                    .SetProperty(l => l.BytesReceived, l => l.BytesReceived > length ? l.BytesReceived - length : 0),
                cancellationToken);
    }
}
