using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace BlazorVault.Files;

public enum UploadState
{
    Waiting,
    Uploading,
    Paused,
    Stored,
    Failed,
    Cancelled,
}

/// <summary>One chosen file on its way into the vault, as the upload list shows it.</summary>
public sealed class UploadItem
{
    private readonly TimeProvider _clock;
    private long _bytesDone;
    private long _startedAt;

    // What was already on the server when this session's sending began (a resumed tus upload), which
    // the speed must not count; -1 until the first progress report after a start or resume says so.
    private long _baseline;

    internal UploadItem(IBrowserFile file, TimeProvider clock, ElementReference? input = null, int index = 0, Placement? placement = null)
    {
        File = file;
        Input = input;
        InputIndex = index;
        _clock = clock;
        Placement = placement ?? Placement.Root;
        var name = FileNames.Sanitize(file.Name) ?? file.Name;
        // A folder upload's files show with the folders they go into.
        Name = string.IsNullOrEmpty(Placement.RelativePath) ? name : Placement.RelativePath + "/" + name;
    }

    public Guid Id { get; } = Guid.NewGuid();

    public string Name { get; }

    public long Size => File.Size;

    public UploadState State { get; private set; }

    public string? Error { get; private set; }

    public FileItem? Stored { get; private set; }

    public long BytesDone => Interlocked.Read(ref _bytesDone);

    public double Percent => Size == 0
        ? (State == UploadState.Stored ? 100 : 0)
        : Math.Min(100, BytesDone * 100.0 / Size);

    /// <summary>
    /// Average of the bytes sent since the transfer began or last resumed; null until there is enough
    /// to measure.
    /// </summary>
    public double? BytesPerSecond
    {
        get
        {
            var baseline = Interlocked.Read(ref _baseline);
            var startedAt = Interlocked.Read(ref _startedAt);
            if (startedAt == 0 || baseline < 0)
            {
                return null;
            }

            var seconds = _clock.GetElapsedTime(startedAt).TotalSeconds;
            return seconds < 0.2 ? null : Math.Max(0, BytesDone - baseline) / seconds;
        }
    }

    public bool IsFinished => State is UploadState.Stored or UploadState.Failed or UploadState.Cancelled;

    /// <summary>True when the bytes go over HTTP (tus), which can pause and resume.</summary>
    public bool ViaHttp { get; private set; }

    public bool CanPause => ViaHttp && HttpHandle is not null && State is UploadState.Uploading;

    public bool CanResume => ViaHttp && HttpHandle is not null && State is UploadState.Paused;

    internal IBrowserFile File { get; }

    /// <summary>Where the file goes: the folder, the folders below it to find or make, and the name rule.</summary>
    public Placement Placement { get; }

    /// <summary>The InputFile element the file was chosen in and its place in that input's list (for the HTTP path).</summary>
    internal ElementReference? Input { get; }

    internal int InputIndex { get; }

    internal int? HttpHandle { get; set; }

    internal CancellationTokenSource Cancellation { get; } = new();

    internal void Start()
    {
        State = UploadState.Uploading;
        Interlocked.Exchange(ref _baseline, 0);
        Interlocked.Exchange(ref _startedAt, _clock.GetTimestamp());
    }

    /// <summary>The bytes go over HTTP: its first report is where the server already stands, not bytes sent.</summary>
    internal void UseHttp()
    {
        ViaHttp = true;
        Interlocked.Exchange(ref _baseline, -1);
    }

    internal void SetPaused(bool paused)
    {
        State = paused ? UploadState.Paused : UploadState.Uploading;
        if (!paused)
        {
            // The time spent paused is no part of the speed.
            Interlocked.Exchange(ref _baseline, -1);
        }
    }

    internal void ReportBytes(long bytes)
    {
        Interlocked.Exchange(ref _bytesDone, bytes);
        if (Interlocked.CompareExchange(ref _baseline, bytes, -1) == -1)
        {
            Interlocked.Exchange(ref _startedAt, _clock.GetTimestamp());
        }
    }

    internal void Succeed(FileItem file)
    {
        Stored = file;
        ReportBytes(file.Size);
        State = UploadState.Stored;
    }

    internal void Fail(string error)
    {
        State = UploadState.Failed;
        Error = error;
    }

    internal void MarkCancelled()
    {
        State = UploadState.Cancelled;
        Error = "Cancelled.";
    }
}
