namespace BlazorVault.Files.Uploads;

/// <summary>
/// A resumable upload's row: the one truth about it for every process. <see cref="Offset"/> is what
/// was acknowledged (durable bytes); <see cref="LeaseHolder"/> and <see cref="LeaseUntil"/> let one
/// request at a time, on any process, append to it; <see cref="OffsetStamp"/> names the request that
/// recorded the offset, so a process can tell whether its cached hash still describes the bytes.
/// Its declared <see cref="Length"/> is charged to the owner's usage from creation until it completes
/// (when the file takes the charge over) or is terminated or expires (when it is released).
/// </summary>
public sealed class UploadRecord
{
    public required string Id { get; set; }

    public required string OwnerId { get; set; }

    public long Length { get; set; }

    public long Offset { get; set; }

    public required string Name { get; set; }

    public string? ContentType { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Set by the commit that stored the file; the row then stays until it expires so HEAD can say where the file went.</summary>
    public Guid? FileId { get; set; }

    public string? LeaseHolder { get; set; }

    public DateTimeOffset LeaseUntil { get; set; }

    public string? OffsetStamp { get; set; }

    /// <summary>The folder the file goes into; null for the root.</summary>
    public Guid? FolderId { get; set; }

    /// <summary>Folders below <see cref="FolderId"/> to find or make at completion (a folder upload's relative path).</summary>
    public string? RelativePath { get; set; }

    /// <summary>What to do when the name is taken there (<see cref="BlazorVault.Files.Tree.NameConflict"/>), decided at creation.</summary>
    public string? Conflict { get; set; }

    /// <summary>
    /// The file request (upload link) a visitor made this upload through; null for the owner's own uploads. Such an
    /// upload is reachable only through that link (never through <c>/api/uploads</c>), and its file and byte count are
    /// held against the link's limits until it completes, or given back when it is terminated or expires.
    /// </summary>
    public Guid? ShareLinkId { get; set; }

    /// <summary>For an upload through a file request: the SHA-256 (hex) of its visitor's secret; only that visitor reaches it.</summary>
    public string? VisitorKey { get; set; }

    public Placement Placement => new(
        FolderId, RelativePath, Enum.TryParse<BlazorVault.Files.Tree.NameConflict>(Conflict, out var rule) ? rule : BlazorVault.Files.Tree.NameConflict.Rename);

    public TusUpload ToUpload() => new(Id, OwnerId, Length, Name, ContentType, CreatedAt, ExpiresAt, FileId);
}
