using System.Buffers;

namespace BlazorVault.Storage;

/// <summary>
/// One multipart part (or a small whole object) in memory, in pooled 1 MiB segments that are taken only
/// as bytes arrive: a 10 KiB upload holds 1 MiB, an 8 MiB part 8 MiB, whatever the upload's size.
/// S3 wants a body of known length that can be re-read on a retry; <see cref="OpenRead"/> gives one.
/// </summary>
internal sealed class PartBuffer : IDisposable
{
    private const int SegmentSize = 1024 * 1024;

    private readonly List<byte[]> _segments = [];

    public long Length { get; private set; }

    /// <summary>Reads once from <paramref name="source"/> into the free space, at most <paramref name="max"/> bytes; 0 at its end.</summary>
    public async Task<int> ReadFromAsync(Stream source, int max, CancellationToken cancellationToken)
    {
        var (segment, offset) = Free();
        var read = await source.ReadAsync(segment.AsMemory(offset, Math.Min(max, SegmentSize - offset)), cancellationToken);
        Length += read;
        return read;
    }

    /// <summary>The last <paramref name="count"/> bytes appended (to hash what <see cref="ReadFromAsync"/> just read).</summary>
    public ReadOnlySpan<byte> Last(int count)
    {
        var end = Length;
        var segment = _segments[(int)((end - 1) / SegmentSize)];
        var inSegment = (int)((end - 1) % SegmentSize) + 1;
        return segment.AsSpan(inSegment - count, count);
    }

    /// <summary>Appends exactly <paramref name="count"/> bytes of <paramref name="source"/>; fewer is an error.</summary>
    public async Task FillExactlyAsync(Stream source, long count, CancellationToken cancellationToken)
    {
        for (var left = count; left > 0;)
        {
            var read = await ReadFromAsync(source, (int)Math.Min(left, int.MaxValue), cancellationToken);
            if (read == 0)
            {
                throw new IOException($"The object ended {left} bytes early.");
            }

            left -= read;
        }
    }

    public void Clear() => Length = 0;

    /// <summary>Forgets the last <paramref name="count"/> bytes appended (a read that went past a limit).</summary>
    public void Unread(int count) => Length -= count;

    /// <summary>A read-only, seekable view of the bytes; disposing it leaves the buffer alone.</summary>
    public Stream OpenRead() => new View(this);

    public void Dispose()
    {
        foreach (var segment in _segments)
        {
            ArrayPool<byte>.Shared.Return(segment);
        }

        _segments.Clear();
        Length = 0;
    }

    private (byte[] Segment, int Offset) Free()
    {
        var index = (int)(Length / SegmentSize);
        if (index == _segments.Count)
        {
            _segments.Add(ArrayPool<byte>.Shared.Rent(SegmentSize));
        }

        return (_segments[index], (int)(Length % SegmentSize));
    }

    private sealed class View(PartBuffer buffer) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => buffer.Length;

        public override long Position
        {
            get => _position;
            set => _position = Math.Clamp(value, 0, buffer.Length);
        }

        public override int Read(byte[] array, int offset, int count) => Read(array.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            var done = 0;
            while (done < destination.Length && _position < buffer.Length)
            {
                var segment = buffer._segments[(int)(_position / SegmentSize)];
                var offset = (int)(_position % SegmentSize);
                var count = (int)Math.Min(Math.Min(SegmentSize - offset, buffer.Length - _position), destination.Length - done);
                segment.AsSpan(offset, count).CopyTo(destination[done..]);
                done += count;
                _position += count;
            }

            return done;
        }

        public override Task<int> ReadAsync(byte[] array, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(array.AsSpan(offset, count)));

        public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(destination.Span));

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => buffer.Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] array, int offset, int count) => throw new NotSupportedException();
    }
}
