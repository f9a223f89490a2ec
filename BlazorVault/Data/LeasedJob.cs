namespace BlazorVault.Data;

/// <summary>
/// A periodic background job that runs on one app instance at a time: each round first takes the
/// job's lease in the database, so instances sharing a database take turns rather than racing.
/// A round that fails is logged and the job goes on: no background job can stop the host.
/// </summary>
public abstract class LeasedJob(JobLeases leases, InstanceIdentity instance, TimeProvider clock, ILogger logger) : BackgroundService
{
    protected JobLeases Leases => leases;

    protected InstanceIdentity Instance => instance;

    protected TimeProvider Clock => clock;

    /// <summary>The lease's name; one per kind of job.</summary>
    protected abstract string Name { get; }

    protected abstract TimeSpan Interval { get; }

    /// <summary>
    /// How long the lease lasts unless renewed: a round renews it every third of this while it runs, so a
    /// holder that dies (kill -9, power cut) lets another instance take over within this time.
    /// </summary>
    protected virtual TimeSpan LeaseDuration => TimeSpan.FromSeconds(30);

    /// <summary>One round of the job; returns a short description of what it did, or null when there was nothing to do.</summary>
    protected abstract Task<string?> RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>Runs one round now if the lease is free (tests, and operators through the maintenance command).</summary>
    public async Task<bool> TryRunAsync(CancellationToken cancellationToken)
    {
        var name = "job:" + Name;
        if (!await leases.TryAcquireAsync(name, instance.Id, LeaseDuration, cancellationToken))
        {
            return false;
        }

        using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopRenewing = new CancellationTokenSource();
        var renewing = KeepLeaseAsync(name, lost, stopRenewing.Token);
        try
        {
            string? done;
            try
            {
                done = await RunOnceAsync(lost.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await RecordAsync(e);
                throw;
            }

            await RecordAsync(null);
            if (done is not null)
            {
                logger.LogInformation("{Job}: {Done}", Name, done);
            }

            return true;
        }
        finally
        {
            await stopRenewing.CancelAsync();
            await renewing;
            try
            {
                await leases.ReleaseAsync(name, instance.Id);
            }
            catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                // Shutting down: the lease runs out by itself.
                logger.LogDebug(e, "{Job} could not release its lease", Name);
            }
        }
    }

    // For the admin area; a database that cannot take it must not fail the round a second time.
    private async Task RecordAsync(Exception? failure)
    {
        try
        {
            await leases.RecordRunAsync(Name, failure);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogDebug(e, "{Job} could not record its round", Name);
        }
    }

    private async Task KeepLeaseAsync(string name, CancellationTokenSource lost, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(LeaseDuration / 3, clock, stop);
                if (!await leases.TryAcquireAsync(name, instance.Id, LeaseDuration, stop))
                {
                    // Another instance took it over (this one stalled past the lease): stop rather than run twice.
                    logger.LogWarning("{Job} lost its lease mid-round; the round stops", Name);
                    await lost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Job} could not renew its lease; the round stops", Name);
            await lost.CancelAsync();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: the host finishes starting while the first round runs.
        await Task.Yield();
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await RunOrWaitForHolderAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "{Job} failed; it runs again in {Interval}", Name, Interval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>
    /// Runs a round, or, while another holder has the lease, waits for its lease to end: a holder that
    /// finishes removes the lease (its round counts for this one too); a holder that died leaves it to run
    /// out, and this instance takes the round over.
    /// </summary>
    private async Task RunOrWaitForHolderAsync(CancellationToken stoppingToken)
    {
        if (await TryRunAsync(stoppingToken))
        {
            return;
        }

        while (await leases.ExpiresAtAsync("job:" + Name, stoppingToken) is { } expires)
        {
            var wait = expires - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait + TimeSpan.FromMilliseconds(500), clock, stoppingToken);
                continue;
            }

            // Run out, never released: its holder died mid-round.
            if (await TryRunAsync(stoppingToken))
            {
                return;
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>
/// Keeps this instance's liveness lease (<c>instance:&lt;id&gt;</c>) fresh, so that other instances know
/// its scratch space is in use; an instance that stops renewing is taken for gone.
/// </summary>
internal sealed class InstanceHeartbeat(JobLeases leases, InstanceIdentity instance, TimeProvider clock, ILogger<InstanceHeartbeat> logger)
    : BackgroundService, IHostedLifecycleService
{
    public const string Prefix = "instance:";
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    // Before any other hosted service starts (the sweeps run at start): this instance is alive from the first moment.
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await BeatAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not take this instance's liveness lease; the heartbeat tries again");
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Not released on the way out: requests still draining may write scratch; the lease simply runs out.
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await BeatAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(e, "Could not renew this instance's liveness lease");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Task BeatAsync(CancellationToken cancellationToken) =>
        leases.TryAcquireAsync(Prefix + instance.Id, instance.Id, Lifetime, cancellationToken);
}
