using BlazorVault.Data;
using BlazorVault.Storage;
using Microsoft.Extensions.Options;

namespace BlazorVault.Files;

/// <summary>
/// Removes the scratch space of app instances that are gone and every blob that nothing uses or
/// protects, at start and then every <c>Vault:Maintenance:Interval</c>, on one instance at a time.
/// </summary>
public sealed class BlobSweeper(
    IBlobStore blobs, BlobLedger ledger, Thumbnails.ThumbnailQueue thumbnails, JobLeases leases, InstanceIdentity instance, IOptions<VaultOptions> options, TimeProvider clock, ILogger<BlobSweeper> logger)
    : LeasedJob(leases, instance, clock, logger)
{
    protected override string Name => "blob-sweep";

    protected override TimeSpan Interval => options.Value.Maintenance.Interval;

    protected override async Task<string?> RunOnceAsync(CancellationToken cancellationToken)
    {
        var live = new HashSet<string>(await Leases.LiveAsync(InstanceHeartbeat.Prefix, cancellationToken), StringComparer.Ordinal) { Instance.Id };
        var scratch = await blobs.SweepScratchAsync(live, cancellationToken);
        var removed = await ledger.SweepAsync(cancellationToken);
        await thumbnails.SweepOrphansAsync(cancellationToken);
        return scratch + removed > 0 ? $"removed {removed} unused blobs and {scratch} abandoned scratch entries" : null;
    }
}
