namespace BlazorVault.Files.Tree;

/// <summary>A folder of its owner's drive; <see cref="ParentId"/> null is the root.</summary>
public sealed class Folder : ITreeEntry
{
    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public Guid? ParentId { get; set; }

    public required string Name { get; set; }

    /// <summary>The name folded for comparison (<see cref="NameKeys.For"/>): unique among the live entries of a folder.</summary>
    public required string NameKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    /// <summary>Files directly inside, as <see cref="ChildCounts"/> keeps them.</summary>
    public int FileCount { get; set; }

    /// <summary>Folders directly inside, as <see cref="ChildCounts"/> keeps them.</summary>
    public int FolderCount { get; set; }

    /// <inheritdoc/>
    public Guid? TrashId { get; set; }

    /// <inheritdoc/>
    public DateTimeOffset? TrashedAt { get; set; }

    /// <inheritdoc/>
    public string? TrashedFrom { get; set; }
}

/// <summary>What files and folders share: a place in the tree and a state in the trash.</summary>
public interface ITreeEntry
{
    /// <summary>
    /// Null while the entry is live. In the trash, the id of the entry that was deleted: its own id for
    /// what the owner deleted, the deleted folder's id for everything that went with it.
    /// </summary>
    Guid? TrashId { get; set; }

    /// <summary>When it went to the trash.</summary>
    DateTimeOffset? TrashedAt { get; set; }

    /// <summary>On the deleted entry only: the path of the folder it was in ("/" for the root), for the trash view and restore.</summary>
    string? TrashedFrom { get; set; }
}

/// <summary>An earlier content of a file, kept when an upload replaced it.</summary>
public sealed class FileVersion
{
    public Guid Id { get; set; }

    public Guid FileId { get; set; }

    public required string OwnerId { get; set; }

    public long Size { get; set; }

    public required string ContentType { get; set; }

    public required string Sha256 { get; set; }

    /// <summary>When this content was uploaded.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When newer content replaced it.</summary>
    public DateTimeOffset ReplacedAt { get; set; }
}
