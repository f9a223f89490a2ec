using BlazorVault.Data;
using BlazorVault.Storage;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Tests.Infrastructure;

/// <summary>What a running app holds of a resumable upload and of a blob, whichever store it is configured with.</summary>
public static class StagedBytes
{
    /// <summary>How many bytes are staged for the upload; null when nothing is.</summary>
    public static async Task<long?> LengthAsync(VaultApp app, string uploadId)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IResumableStaging>() is FileSystemResumableStaging)
        {
            var path = Path.Combine(app.DataDirectory, "tmp", FileSystemResumableStaging.FolderName, uploadId);
            return File.Exists(path) ? new FileInfo(path).Length : null;
        }

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync();
        if (await db.Set<S3StagingRecord>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == uploadId) is not { } row)
        {
            return null;
        }

        return row.CompletedLength ?? row.TailSize + await db.Set<S3StagingPart>().Where(p => p.StagingId == uploadId).SumAsync(p => p.Size);
    }

    /// <summary>Whether the app's blob store holds the blob.</summary>
    public static async Task<bool> BlobExistsAsync(VaultApp app, string sha256)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var stream = await app.Services.GetRequiredService<IBlobStore>().OpenReadAsync(sha256, CancellationToken.None);
        return stream is not null;
    }
}
