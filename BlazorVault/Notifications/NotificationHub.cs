namespace BlazorVault.Notifications;

/// <summary>
/// What a poll found for one user: notifications that arrived (possibly some a subscriber already knew of, when it
/// subscribed while they were being written), and whether any of theirs was marked read since the last poll.
/// </summary>
public sealed record NotificationUpdate(IReadOnlyList<NotificationItem> Arrived, bool ReadChanged);

/// <summary>
/// This instance's open circuits that want to hear about a user's notifications, and the doorbell of its
/// <see cref="NotificationPoller"/>. Memory here only routes: what a circuit shows, it reads from the rows.
/// </summary>
public sealed class NotificationHub(ILogger<NotificationHub> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Subscription>> _byUser = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _doorbell = new(0, 1);

    /// <summary>Calls <paramref name="callback"/> with each update for <paramref name="userId"/> until the result is disposed.</summary>
    public IDisposable Subscribe(string userId, Func<NotificationUpdate, Task> callback)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(callback);
        var subscription = new Subscription(this, userId, callback);
        lock (_gate)
        {
            if (!_byUser.TryGetValue(userId, out var list))
            {
                _byUser[userId] = list = [];
            }

            list.Add(subscription);
        }

        return subscription;
    }

    /// <summary>Users with at least one subscriber on this instance now.</summary>
    public IReadOnlyList<string> Subscribed()
    {
        lock (_gate)
        {
            return [.. _byUser.Keys];
        }
    }

    public int SubscriberCount(string userId)
    {
        lock (_gate)
        {
            return _byUser.TryGetValue(userId, out var list) ? list.Count : 0;
        }
    }

    /// <summary>Hands <paramref name="update"/> to each of the user's subscribers; one that fails is logged and does not stop the others.</summary>
    public async Task PublishAsync(string userId, NotificationUpdate update)
    {
        Subscription[] subscribers;
        lock (_gate)
        {
            subscribers = _byUser.TryGetValue(userId, out var list) ? [.. list] : [];
        }

        foreach (var subscriber in subscribers)
        {
            try
            {
                await subscriber.Callback(update);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Notifications: a subscriber of user {UserId} failed to take an update", userId);
            }
        }
    }

    /// <summary>Asks the poller to look now rather than at its next tick (a flush or a mark-read on this instance).</summary>
    public void Wake()
    {
        try
        {
            _doorbell.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already rung: one look covers both.
        }
    }

    /// <summary>Waits for <see cref="Wake"/> or <paramref name="timeout"/>, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _doorbell.WaitAsync(timeout, cancellationToken);

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            if (_byUser.TryGetValue(subscription.UserId, out var list) && list.Remove(subscription) && list.Count == 0)
            {
                _byUser.Remove(subscription.UserId);
            }
        }
    }

    private sealed class Subscription(NotificationHub hub, string userId, Func<NotificationUpdate, Task> callback) : IDisposable
    {
        public string UserId { get; } = userId;

        public Func<NotificationUpdate, Task> Callback { get; } = callback;

        public void Dispose() => hub.Remove(this);
    }
}
