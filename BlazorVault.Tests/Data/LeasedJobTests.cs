using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorVault.Tests.Data;

/// <summary>Background jobs share one lease per kind: a dead holder is taken over, a live one is waited for, never doubled.</summary>
public abstract class LeasedJobTests(DatabaseProvider provider) : IAsyncLifetime
{
    private FilesTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await FilesTestBed.CreateAsync(provider: provider);

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    private JobLeases Leases => _bed.Services.GetRequiredService<JobLeases>();

    [Fact]
    public async Task ALeaseLeftByADeadHolder_IsTakenOverOnceItRunsOut()
    {
        // A killed instance's round: its lease stays until it runs out.
        Assert.True(await Leases.TryAcquireAsync("job:probe", "dead-instance", TimeSpan.FromSeconds(1), default));
        var job = new ProbeJob(Leases);

        await job.StartAsync(default);
        var ran = await job.Ran.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await job.StopAsync(default);

        Assert.Equal(1, ran);
        Assert.Null(await Leases.ExpiresAtAsync("job:probe", default));
    }

    [Fact]
    public async Task ARoundThatOutlastsItsLease_KeepsItRenewed_SoNoOtherInstanceRunsBesideIt()
    {
        var job = new ProbeJob(Leases, roundTakes: TimeSpan.FromSeconds(2.5));

        var round = job.TryRunAsync(TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1.6), TestContext.Current.CancellationToken);
        var other = await Leases.TryAcquireAsync("job:probe", "other-instance", TimeSpan.FromSeconds(1), default);

        Assert.True(await round);
        Assert.False(other);
    }

    [Fact]
    public async Task AHolderThatFinishes_IsNotFollowedByASecondRoundOfTheWaitingInstance()
    {
        Assert.True(await Leases.TryAcquireAsync("job:probe", "live-instance", TimeSpan.FromSeconds(1), default));
        var job = new ProbeJob(Leases);

        await job.StartAsync(default);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        await Leases.ReleaseAsync("job:probe", "live-instance");
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);
        await job.StopAsync(default);

        Assert.Equal(0, job.Rounds);
    }

    private sealed class ProbeJob(JobLeases leases, TimeSpan roundTakes = default)
        : LeasedJob(leases, new InstanceIdentity(), TimeProvider.System, NullLogger.Instance)
    {
        private int _rounds;

        public TaskCompletionSource<int> Ran { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Rounds => Volatile.Read(ref _rounds);

        protected override string Name => "probe";

        protected override TimeSpan Interval => TimeSpan.FromHours(1);

        protected override TimeSpan LeaseDuration => TimeSpan.FromSeconds(1.5);

        protected override async Task<string?> RunOnceAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(roundTakes, cancellationToken);
            Ran.TrySetResult(Interlocked.Increment(ref _rounds));
            return null;
        }
    }

    public sealed class OnSqlite() : LeasedJobTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : LeasedJobTests(DatabaseProvider.PostgreSql);
}
