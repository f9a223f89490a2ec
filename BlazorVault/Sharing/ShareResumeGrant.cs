namespace BlazorVault.Sharing;

/// <summary>
/// One counted download of a link, kept while it may be resumed: Range requests that continue it are
/// served without counting, even once the link is used up, but only to the client that downloaded
/// (the one holding the secret handed out with the counted response, or asking from the same address),
/// only for the same bytes, and only until <see cref="ResumeUntil"/>.
/// </summary>
public sealed class ShareResumeGrant
{
    public Guid Id { get; set; }

    public Guid LinkId { get; set; }

    public DateTimeOffset CountedAt { get; set; }

    public DateTimeOffset ResumeUntil { get; set; }

    /// <summary>Hex SHA-256 of the resume secret; the secret itself is only ever in the client's cookie.</summary>
    public required string SecretHash { get; set; }

    /// <summary>The client address of the counted request; null when unknown.</summary>
    public string? ClientAddress { get; set; }

    /// <summary>The content that was counted: a continuation is only spliced onto the same bytes.</summary>
    public required string Sha256 { get; set; }
}
