using BlazorVault.Files.Tree;

namespace BlazorVault.Files;

/// <summary>A file as its owner sees it; the bytes live in the blob store under <see cref="Sha256"/>.</summary>
public sealed class StoredFile : ITreeEntry
{
    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    /// <summary>Display text only, never a path (see <see cref="FileNames"/>).</summary>
    public required string Name { get; set; }

    /// <summary>The name folded for comparison (<see cref="NameKeys.For"/>): unique among the live entries of a folder.</summary>
    public required string NameKey { get; set; }

    /// <summary>The folder it is in; null for the root.</summary>
    public Guid? FolderId { get; set; }

    public required string ContentType { get; set; }

    public long Size { get; set; }

    /// <summary>Lower-case hex SHA-256 of the content; the blob's address.</summary>
    public required string Sha256 { get; set; }

    /// <summary>When the current content was uploaded (an upload that replaces the content changes it).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <inheritdoc/>
    public Guid? TrashId { get; set; }

    /// <inheritdoc/>
    public DateTimeOffset? TrashedAt { get; set; }

    /// <inheritdoc/>
    public string? TrashedFrom { get; set; }
}
