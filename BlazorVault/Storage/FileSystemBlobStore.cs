using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using BlazorVault.Data;

namespace BlazorVault.Storage;

/// <summary>
/// Blobs as files: <c>blobs/ab/cd/&lt;sha256&gt;</c> under the data directory, written through this
/// instance's own scratch folder <c>tmp/&lt;instance id&gt;/</c> on the same file system, so that the
/// final rename is atomic and no other process's sweep touches a write in flight.
/// </summary>
/// <remarks>
/// An instance holds an exclusive lock on <c>tmp/&lt;id&gt;/.alive</c> for as long as it runs; the kernel
/// drops it when the process dies, even by kill -9. The scratch sweep removes a folder whose instance
/// lease has run out, or whose lock it can take (a crashed process on this machine, before its lease ends).
/// </remarks>
public sealed class FileSystemBlobStore : IBlobStore, IPhysicalBlobFiles, IStorageCapacity, IDisposable
{
    private const string AliveFile = ".alive";

    private readonly string _blobRoot;
    private readonly string _tempRoot;
    private readonly string _scratch;
    private readonly ILogger<FileSystemBlobStore> _logger;
    private readonly Lock _aliveGate = new();
    private FileStream? _alive;

    public FileSystemBlobStore(VaultPaths paths, InstanceIdentity instance, ILogger<FileSystemBlobStore> logger)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(instance);
        _blobRoot = paths.SubDirectory("blobs");
        _tempRoot = paths.SubDirectory("tmp");
        _scratch = Path.Combine(_tempRoot, instance.Id);
        _logger = logger;
    }

    public long AvailableBytes => new DriveInfo(_blobRoot).AvailableFreeSpace;

    public async Task<StagedContent> StageAsync(Stream content, long maxBytes, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        EnsureScratch();
        var temp = Path.Combine(_scratch, Guid.NewGuid().ToString("N") + ".upload");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length;
            await using (var file = new FileStream(temp, HashingWriter.PrivateCreate(FileMode.CreateNew)))
            await using (var writer = new HashingWriter(file, temp))
            {
                await writer.CopyAsync(content, maxBytes, hash, null, progress, cancellationToken);
                await writer.FlushAsync();
                length = writer.Length;
            }

            return new StagedFile(this, temp, Convert.ToHexStringLower(hash.GetHashAndReset()), length, deleteUnplaced: true);
        }
        catch
        {
            DeleteQuietly(temp);
            throw;
        }
    }

    public Task<Stream?> OpenReadAsync(string sha256, CancellationToken cancellationToken)
    {
        if (GetPhysicalPath(sha256) is not { } path)
        {
            return Task.FromResult<Stream?>(null);
        }

        try
        {
            return Task.FromResult<Stream?>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public string? GetPhysicalPath(string sha256) => IsHash(sha256) ? BlobPath(sha256) : null;

    public string? GetRelativePath(string sha256) => IsHash(sha256) ? $"{sha256[..2]}/{sha256[2..4]}/{sha256}" : null;

    public Task<bool> DeleteAsync(string sha256, CancellationToken cancellationToken)
    {
        if (GetPhysicalPath(sha256) is not { } path || !File.Exists(path))
        {
            return Task.FromResult(false);
        }

        File.Delete(path);
        return Task.FromResult(true);
    }

    public async IAsyncEnumerable<string> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var path in Directory.EnumerateFiles(_blobRoot, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Path.GetFileName(path) is { } name && IsHash(name))
            {
                yield return name;
            }
        }
    }

    public Task<int> SweepScratchAsync(IReadOnlySet<string> liveInstances, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(liveInstances);
        var removed = 0;
        foreach (var directory in Directory.EnumerateDirectories(_tempRoot))
        {
            var name = Path.GetFileName(directory);
            if (name == FileSystemResumableStaging.FolderName || directory == _scratch
                || (liveInstances.Contains(name) && IsLocked(Path.Combine(directory, AliveFile))))
            {
                continue;
            }

            try
            {
                Directory.Delete(directory, recursive: true);
                removed++;
                _logger.LogInformation("Removed the scratch folder of instance {Instance}, which is no longer running", name);
            }
            catch (IOException e)
            {
                _logger.LogWarning(e, "Could not remove scratch folder {Path}", directory);
            }
        }

        // Loose files are from versions that wrote straight into tmp/ and never run beside this one.
        foreach (var file in Directory.EnumerateFiles(_tempRoot))
        {
            if (DeleteQuietly(file))
            {
                removed++;
            }
        }

        return Task.FromResult(removed);
    }

    public void Dispose()
    {
        lock (_aliveGate)
        {
            _alive?.Dispose();
            _alive = null;
        }
    }

    /// <summary>This instance's scratch folder and its lock, made again if a sweep took this instance for dead.</summary>
    private void EnsureScratch()
    {
        var lockPath = Path.Combine(_scratch, AliveFile);
        lock (_aliveGate)
        {
            if (_alive is not null && File.Exists(lockPath))
            {
                return;
            }

            _alive?.Dispose();
            VaultPaths.CreatePrivateDirectory(_scratch);
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            _alive = new FileStream(lockPath, options);
        }
    }

    /// <summary>Whether a running process holds the lock; a folder without one (an older version's) counts as held.</summary>
    private static bool IsLocked(string lockPath)
    {
        try
        {
            using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (FileNotFoundException)
        {
            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Moves a complete, fsynced file to its content address; identical content there already wins.</summary>
    internal void Place(string source, string sha256)
    {
        var target = BlobPath(sha256);
        if (File.Exists(target))
        {
            File.Delete(source);
            return;
        }

        VaultPaths.CreatePrivateDirectory(Path.GetDirectoryName(target)!);
        // Overwrite: two writers of the same content may race here, and either copy is the right one.
        File.Move(source, target, overwrite: true);
    }

    internal bool DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException e)
        {
            _logger.LogWarning(e, "Could not delete {Path}", path);
            return false;
        }
    }

    private string BlobPath(string sha256) => Path.Combine(_blobRoot, sha256[..2], sha256[2..4], sha256);

    internal static bool IsHash(string value) =>
        value.Length == 64 && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>A fsynced file in scratch or staging with its hash known.</summary>
    internal sealed class StagedFile(FileSystemBlobStore store, string path, string sha256, long length, bool deleteUnplaced)
        : StagedContent(sha256, length)
    {
        private bool _placed;

        public override Task PlaceAsync(CancellationToken cancellationToken)
        {
            store.Place(path, Sha256);
            _placed = true;
            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync()
        {
            if (!_placed && deleteUnplaced)
            {
                store.DeleteQuietly(path);
            }

            return ValueTask.CompletedTask;
        }
    }
}
