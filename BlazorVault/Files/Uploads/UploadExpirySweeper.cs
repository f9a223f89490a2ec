using BlazorVault.Data;
using Microsoft.Extensions.Options;

namespace BlazorVault.Files.Uploads;

/// <summary>Removes abandoned (expired) resumable uploads and their staged bytes, at start and then periodically, on one instance at a time.</summary>
public sealed class UploadExpirySweeper(
    TusUploadService uploads, JobLeases leases, InstanceIdentity instance, IOptions<VaultOptions> options, TimeProvider clock, ILogger<UploadExpirySweeper> logger)
    : LeasedJob(leases, instance, clock, logger)
{
    protected override string Name => "upload-expiry";

    protected override TimeSpan Interval => options.Value.Maintenance.Interval;

    protected override async Task<string?> RunOnceAsync(CancellationToken cancellationToken) =>
        await uploads.SweepExpiredAsync(cancellationToken) is var removed and > 0 ? $"removed {removed} abandoned uploads" : null;
}
