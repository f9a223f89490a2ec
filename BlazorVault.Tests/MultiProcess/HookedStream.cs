using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.MultiProcess;

/// <summary>
/// A request body over <paramref name="bytes"/> (from <paramref name="start"/>) of unknown length, so
/// HttpClient sends it chunked, handed out at most <paramref name="chunk"/> bytes at a time;
/// <paramref name="beforeRead"/> runs before each read with the position, so a test can slow it down,
/// hold it or fail it.
/// </summary>
public sealed class HookedStream(byte[] bytes, Func<long, Task> beforeRead, int start = 0, int chunk = 16 * 1024) : ForwardOnlyStream
{
    private int _position = start;

    /// <summary>How far the body has been handed to HttpClient.</summary>
    public long Handed => Volatile.Read(ref _position);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await beforeRead(_position);
        var count = Math.Min(Math.Min(buffer.Length, chunk), bytes.Length - _position);
        bytes.AsMemory(_position, count).CopyTo(buffer);
        Volatile.Write(ref _position, _position + count);
        return count;
    }
}
