using Amazon.S3.Model;

namespace BlazorVault.Storage;

/// <summary>
/// An object read on demand, seekable like a file: a read at a new position asks for an explicit
/// <c>bytes=a-b</c> range that ends where the reader said it would stop (<see cref="IBoundedRead.StopAt"/>,
/// a response's range) or at the object's end, and copies exactly those bytes. Nothing is fetched
/// before the first read, so HEAD, 304 and 416 answers cost no GET.
/// </summary>
internal sealed class S3ReadStream(S3Bucket bucket, string key, long length) : Stream, IBoundedRead
{
    private GetObjectResponse? _response;
    private long _responseEnd;
    private long _position;
    private long _stop = long.MaxValue;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public void StopAt(long end) => _stop = end;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.IsEmpty)
        {
            return 0;
        }

        if (_response is null)
        {
            // The rest of what the reader wants; past it (a reader that did not say), the rest of the object.
            _responseEnd = _stop > _position && _stop < length ? _stop : length;
            _response = await bucket.GetRangeAsync(key, _position, _responseEnd - 1, cancellationToken);
        }

        var wanted = (int)Math.Min(buffer.Length, _responseEnd - _position);
        var read = await _response.ResponseStream.ReadAsync(buffer[..wanted], cancellationToken);
        if (read == 0)
        {
            throw new IOException($"Object {key} ended at {_position}, before {_responseEnd}.");
        }

        _position += read;
        if (_position == _responseEnd)
        {
            CloseResponse();
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        if (target != _position)
        {
            CloseResponse();
            _position = target;
        }

        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseResponse();
        }

        base.Dispose(disposing);
    }

    private void CloseResponse()
    {
        _response?.Dispose();
        _response = null;
    }
}
