namespace BlazorVault.Sharing;

/// <summary>
/// A download link to one file. Its URL, <c>/s/{PublicId}</c>, names this row; the row makes the link
/// revocable and countable. (Links handed out before short URLs carry a signed token naming the row instead.)
/// </summary>
public sealed class ShareLink
{
    public Guid Id { get; set; }

    /// <summary>
    /// The unguessable id in the link's URL: 128 random bits, base64url (22 characters); links made before
    /// short URLs got 128 random bits in hex from the migration. Knowing it is what lets anyone use the link.
    /// </summary>
    public required string PublicId { get; set; }

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
