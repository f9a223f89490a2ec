namespace BlazorVault.Sharing;

/// <summary>
/// A download link to one file. Its URL carries a signed token naming this row; the row makes the
/// link revocable and countable.
/// </summary>
public sealed class ShareLink
{
    public Guid Id { get; set; }

    public Guid FileId { get; set; }

    public required string CreatedById { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Null for no limit.</summary>
    public int? MaxDownloads { get; set; }

    public int Downloads { get; set; }

    public DateTimeOffset? LastDownloadAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
