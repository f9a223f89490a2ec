using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorVault.Storage;

/// <summary>
/// The database's side of the blob store: every blob has a row (<see cref="BlobRecord"/>), and every
/// decision about keeping or removing bytes is a conditional statement on it, so it holds across
/// requests, restarts and processes. A writer marks its blob pending before placing it; the commit that
/// references it (in the same transaction as the file row) counts it; a blob goes only inside the
/// transaction that deletes its row under the condition "unused and unprotected", which any writer of
/// the same content has to wait for.
/// </summary>
public sealed class BlobLedger(
    IDbContextFactory<VaultDbContext> dbFactory,
    IBlobStore store,
    IOptions<VaultOptions> options,
    TimeProvider clock,
    ILogger<BlobLedger> logger)
{
    /// <summary>Protects a blob that is about to be referenced; call before <see cref="StagedContent.PlaceAsync"/>.</summary>
    public async Task MarkPendingAsync(string sha256, long size, CancellationToken cancellationToken)
    {
        var until = (clock.GetUtcNow() + options.Value.Storage.PendingGrace).ToUnixTimeMilliseconds();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "Blobs" ("Sha256", "Size", "RefCount", "Pending", "PendingUntil") VALUES ({sha256}, {size}, 0, 1, {until})
            ON CONFLICT ("Sha256") DO UPDATE SET "Pending" = "Blobs"."Pending" + 1,
                "PendingUntil" = CASE WHEN "Blobs"."PendingUntil" < {until} THEN {until} ELSE "Blobs"."PendingUntil" END
            """,
            cancellationToken);
    }

    /// <summary>
    /// Inside the transaction that inserts a file row: counts the reference and ends this writer's
    /// protection. False when the row is gone (it cannot be while the writer's protection lasts).
    /// </summary>
    public static async Task<bool> ReferenceAsync(VaultDbContext db, string sha256, CancellationToken cancellationToken) =>
        await db.Blobs.Where(b => b.Sha256 == sha256).ExecuteUpdateAsync(
            set => set
                .SetProperty(b => b.RefCount, b => b.RefCount + 1)
                .SetProperty(b => b.Pending, b => b.Pending > 0 ? b.Pending - 1 : 0),
            cancellationToken) == 1;

    /// <summary>Inside the transaction that deletes a file row.</summary>
    public static Task DereferenceAsync(VaultDbContext db, string sha256, CancellationToken cancellationToken) =>
        db.Blobs.Where(b => b.Sha256 == sha256 && b.RefCount > 0).ExecuteUpdateAsync(
            set => set.SetProperty(b => b.RefCount, b => b.RefCount - 1), cancellationToken);

    /// <summary>A writer that will not reference its pending blob after all: ends its protection and removes the blob if nothing uses it.</summary>
    public async Task ReleasePendingAsync(string sha256)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
        {
            await db.Blobs.Where(b => b.Sha256 == sha256 && b.Pending > 0).ExecuteUpdateAsync(
                set => set.SetProperty(b => b.Pending, b => b.Pending - 1), CancellationToken.None);
        }

        await TryRemoveAsync(sha256, CancellationToken.None);
    }

    /// <summary>
    /// Removes the blob when nothing uses or protects it: its row goes and its bytes go in one
    /// transaction, so a writer of the same content waits for both (or finds both still there).
    /// </summary>
    public async Task<bool> TryRemoveAsync(string sha256, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var deleted = await db.Blobs
            .Where(b => b.Sha256 == sha256 && b.RefCount == 0 && (b.Pending == 0 || b.PendingUntil < now))
            .ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return false;
        }

        // Its thumbnails go with it.
        await db.Thumbnails.Where(t => t.Sha256 == sha256).ExecuteDeleteAsync(cancellationToken);

        // Inside the transaction: if this fails (or the process dies here), the row comes back and the next sweep tries again.
        await store.DeleteAsync(sha256, CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        logger.LogDebug("Removed unreferenced blob {Sha256}", sha256);
        return true;
    }

    /// <summary>
    /// Gives every blob in the store without a row (left by a crash, or by versions before the ledger)
    /// a row that nothing uses, then removes every blob that nothing uses or protects. Returns how many went.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await foreach (var batch in store.ListAsync(cancellationToken).Chunk(500).WithCancellation(cancellationToken))
        {
            await AdoptAsync(batch, cancellationToken);
        }

        var now = clock.GetUtcNow();
        List<string> candidates;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            candidates = await db.Blobs.AsNoTracking()
                .Where(b => b.RefCount == 0 && (b.Pending == 0 || b.PendingUntil < now))
                .Select(b => b.Sha256)
                .ToListAsync(cancellationToken);
        }

        var removed = 0;
        foreach (var sha256 in candidates)
        {
            try
            {
                if (await TryRemoveAsync(sha256, cancellationToken))
                {
                    removed++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One blob that cannot go must not keep the others.
                logger.LogError(e, "Could not remove blob {Sha256}; the next sweep tries again", sha256);
            }
        }

        return removed;
    }

    private async Task AdoptAsync(string[] hashes, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var known = await db.Blobs.Where(b => hashes.Contains(b.Sha256)).Select(b => b.Sha256).ToListAsync(cancellationToken);
        foreach (var sha256 in hashes.Except(known, StringComparer.Ordinal))
        {
            // Conditional: a writer that marked the blob pending since we looked keeps its row as it is.
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "Blobs" ("Sha256", "Size", "RefCount", "Pending", "PendingUntil") VALUES ({sha256}, 0, 0, 0, 0)
                ON CONFLICT ("Sha256") DO NOTHING
                """,
                cancellationToken);
        }
    }
}
