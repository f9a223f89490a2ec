namespace BlazorVault.Files.Thumbnails;

public enum ThumbnailState
{
    /// <summary>Asked for; a worker makes it when it holds the row's lease.</summary>
    Pending = 0,
    Ready = 1,
    /// <summary>Not an image the app reads, over a limit, or broken: the file shows its icon.</summary>
    Failed = 2,
}

/// <summary>The two sizes: a small square-ish one for list rows and a larger one for the grid view.</summary>
public enum ThumbnailSize
{
    List,
    Grid,
}

/// <summary>
/// The thumbnails of one content hash: identical files share them, and they go with the blob's row
/// (<see cref="Storage.BlobLedger"/>). The row is also the queue entry: a worker claims it with a
/// conditional update of <see cref="LeaseUntil"/>, so two instances never make the same one.
/// </summary>
public sealed class Thumbnail
{
    /// <summary>Lower-case hex SHA-256 of the source content.</summary>
    public required string Sha256 { get; set; }

    public ThumbnailState State { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    /// <summary>Until when a worker holds the row; null when nobody does.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>How many times a worker took the row: a file that kills its worker is not tried for ever.</summary>
    public int Attempts { get; set; }

    /// <summary>WebP, at most <see cref="ThumbnailMaker.ListBox"/> pixels a side.</summary>
    public byte[]? List { get; set; }

    /// <summary>WebP, at most <see cref="ThumbnailMaker.GridBox"/> pixels a side.</summary>
    public byte[]? Grid { get; set; }

    /// <summary>Why it failed, for the operator's eyes (never shown to visitors).</summary>
    public string? Error { get; set; }
}
