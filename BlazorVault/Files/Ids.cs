namespace BlazorVault.Files;

/// <summary>Ids of files, folders and versions.</summary>
public static class Ids
{
    private static long _lastMilliseconds;

    /// <summary>
    /// A version 7 GUID whose timestamp is strictly later than the previous one, so that newest-first
    /// (id order) is creation order even for entries made within one millisecond.
    /// </summary>
    public static Guid Next(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        long last, next;
        do
        {
            last = Volatile.Read(ref _lastMilliseconds);
            next = Math.Max(now, last + 1);
        }
        while (Interlocked.CompareExchange(ref _lastMilliseconds, next, last) != last);

        return Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(next));
    }
}
