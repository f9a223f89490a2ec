using System.Collections.Concurrent;

namespace BlazorVault.Accounts;

/// <summary>
/// A bounded map of values that hold until a time of their own, for remembering work whose result cannot
/// change for a given key while it lasts (a token's signature checked, a ticket decrypted). At its capacity
/// (<see cref="MaxEntries"/> unless given) it drops what has ended, and if it is still full starts again empty rather than grow.
/// </summary>
public sealed class ExpiringMap<TValue>(int capacity = ExpiringMap<TValue>.MaxEntries)
{
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (TValue Value, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public bool TryGet(string key, DateTimeOffset now, out TValue value)
    {
        if (_entries.TryGetValue(key, out var known))
        {
            if (now < known.Until)
            {
                value = known.Value;
                return true;
            }

            _entries.TryRemove(key, out _);
        }

        value = default!;
        return false;
    }

    public void Remove(string key) => _entries.TryRemove(key, out _);

    public void Set(string key, TValue value, DateTimeOffset until, DateTimeOffset now)
    {
        if (until <= now)
        {
            return;
        }

        if (_entries.Count >= capacity)
        {
            foreach (var (old, entry) in _entries)
            {
                if (entry.Until <= now)
                {
                    _entries.TryRemove(old, out _);
                }
            }

            if (_entries.Count >= capacity)
            {
                _entries.Clear();
            }
        }

        _entries[key] = (value, until);
    }
}
