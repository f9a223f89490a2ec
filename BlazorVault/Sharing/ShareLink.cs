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

    /// <summary>The bcrypt hash of the link's password (<see cref="LinkPasswords"/>); null when the link has none.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>
    /// Goes up whenever the password is set, changed or removed. Proofs and download grants carry the value they
    /// were minted under, so a change ends every proof handed out before it.
    /// </summary>
    public int PasswordVersion { get; set; }

    /// <summary>Wrong passwords counted since <see cref="PasswordFailuresSince"/>; at <see cref="ShareOptions.PasswordFailuresBeforePause"/> the link pauses.</summary>
    public int PasswordFailures { get; set; }

    /// <summary>When the current count of wrong passwords began; a count older than <see cref="ShareOptions.PasswordPause"/> starts again.</summary>
    public DateTimeOffset PasswordFailuresSince { get; set; }

    /// <summary>Until when the link refuses every password, right or wrong; the Unix epoch when it is not paused.</summary>
    public DateTimeOffset PausedUntil { get; set; }
}
