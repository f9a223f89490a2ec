using BlazorVault.Data;
using Microsoft.Extensions.Options;

namespace BlazorVault.Files.Tree;

/// <summary>Deletes for good what has been in the trash longer than <c>Vault:Trash:RetentionDays</c>, periodically, on one instance at a time.</summary>
public sealed class TrashPurger(
    TreeService tree, JobLeases leases, InstanceIdentity instance, IOptions<VaultOptions> options, TimeProvider clock, ILogger<TrashPurger> logger)
    : LeasedJob(leases, instance, clock, logger)
{
    protected override string Name => "trash-purge";

    protected override TimeSpan Interval => options.Value.Maintenance.Interval;

    protected override async Task<string?> RunOnceAsync(CancellationToken cancellationToken) =>
        await tree.PurgeExpiredAsync(cancellationToken) is var purged and > 0 ? $"purged {purged} entries past their time in the trash" : null;
}
