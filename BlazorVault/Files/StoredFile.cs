namespace BlazorVault.Files;

/// <summary>A file as its owner sees it; the bytes live in the blob store under <see cref="Sha256"/>.</summary>
public sealed class StoredFile
{
    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    /// <summary>Display text only, never a path (see <see cref="FileNames"/>).</summary>
    public required string Name { get; set; }

    public required string ContentType { get; set; }

    public long Size { get; set; }

    /// <summary>Lower-case hex SHA-256 of the content; the blob's address.</summary>
    public required string Sha256 { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
