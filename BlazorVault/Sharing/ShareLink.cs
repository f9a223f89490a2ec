namespace BlazorVault.Sharing;

/// <summary>
/// A link that works without an account: a download link to one file or to a folder's tree, or an upload-only
/// link (a "file request") into a folder. Its URL, <c>/s/{PublicId}</c>, names this row; the row makes the link
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

    public ShareLinkKind Kind { get; set; }

    /// <summary>The shared file of a download link to one file; null for every other link.</summary>
    public Guid? FileId { get; set; }

    /// <summary>
    /// The shared folder of a download link to a folder, or the target folder of an upload link (null there: the
    /// owner's root). Null for a link to one file.
    /// </summary>
    public Guid? FolderId { get; set; }

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

    /// <summary>An upload link's limit on the number of files it accepts; null for no limit.</summary>
    public int? MaxFiles { get; set; }

    /// <summary>An upload link's limit on the bytes it accepts in all; null for no limit (the owner's quota still holds).</summary>
    public long? MaxBytes { get; set; }

    /// <summary>Files an upload link has accepted (begun uploads included), held against <see cref="MaxFiles"/>.</summary>
    public int FilesReceived { get; set; }

    /// <summary>Bytes an upload link has accepted (declared lengths of begun uploads included), held against <see cref="MaxBytes"/>.</summary>
    public long BytesReceived { get; set; }
}

public enum ShareLinkKind
{
    /// <summary>Downloads one file (<see cref="ShareLink.FileId"/>).</summary>
    File = 0,

    /// <summary>Shows a folder's tree read-only and downloads from it (<see cref="ShareLink.FolderId"/>).</summary>
    Folder = 1,

    /// <summary>A file request: visitors upload into <see cref="ShareLink.FolderId"/> and see nothing of it.</summary>
    Upload = 2,
}
