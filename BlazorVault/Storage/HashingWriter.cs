using System.Buffers;
using System.Security.Cryptography;

namespace BlazorVault.Storage;

/// <summary>
/// The one copy loop of the file-system stores: appends a stream to a file while hashing it, with a
/// length limit, progress, and the write-behind fsync, so that a new blob and a resumable append
/// behave the same. <see cref="Length"/> counts only bytes that were written, so after a failed read
/// it still describes the file's content exactly.
/// </summary>
internal sealed class HashingWriter : IAsyncDisposable
{
    private const int BufferSize = 1024 * 1024;

    private readonly FileStream _file;
    private readonly WriteBehind _writeBehind;

    /// <param name="file">Positioned where the bytes go; <see cref="Length"/> starts there.</param>
    public HashingWriter(FileStream file, string path)
    {
        _file = file;
        _writeBehind = new WriteBehind(path);
        Length = file.Position;
    }

    private long _length;

    /// <summary>Bytes in the file so far; may be read from another thread while a copy runs.</summary>
    public long Length
    {
        get => Volatile.Read(ref _length);
        private set => Volatile.Write(ref _length, value);
    }

    /// <summary>
    /// Copies <paramref name="source"/> to its end, stopping with <see cref="BlobTooLargeException"/> before
    /// <see cref="Length"/> would pass <paramref name="maxLength"/>. Every byte goes into <paramref name="hash"/>
    /// and, when given, <paramref name="extraHash"/>.
    /// </summary>
    public async Task CopyAsync(
        Stream source, long maxLength, IncrementalHash hash, IncrementalHash? extraHash, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                if (Length + read > maxLength)
                {
                    throw new BlobTooLargeException(maxLength);
                }

                await _file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                _writeBehind.Wrote(read);
                hash.AppendData(buffer, 0, read);
                extraHash?.AppendData(buffer, 0, read);
                Length += read;
                progress?.Report(Length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Makes everything written durable (waits for the background fsync, then fsyncs the tail).</summary>
    public Task FlushAsync() => _writeBehind.FlushAsync(_file);

    public ValueTask DisposeAsync() => _writeBehind.DisposeAsync();

    /// <summary>Hashes the first <paramref name="length"/> bytes of a file (a resumable blob another process began).</summary>
    public static async Task<IncrementalHash> HashPrefixAsync(string path, long length, CancellationToken cancellationToken)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
            for (long done = 0; done < length;)
            {
                var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(BufferSize, length - done)), cancellationToken);
                if (read == 0)
                {
                    throw new IOException($"{path} is shorter than {length} bytes.");
                }

                hash.AppendData(buffer, 0, read);
                done += read;
            }

            return hash;
        }
        catch
        {
            hash.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Owner read and write only: the data directory holds other people's files.</summary>
    public static FileStreamOptions PrivateCreate(FileMode mode)
    {
        var options = new FileStreamOptions
        {
            Mode = mode,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            BufferSize = 0,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }
}
