namespace BlazorVault.Files.Tree;

/// <summary>What to do when a name is already taken in the target folder.</summary>
public enum NameConflict
{
    /// <summary>Keep both: the newcomer becomes "name (2).ext".</summary>
    Rename,

    /// <summary>An upload replaces the file's content, keeping the old content as a version; a move or rename sends the other entry to the trash.</summary>
    Replace,

    /// <summary>Refuse (409).</summary>
    Fail,
}

public static class TreeRules
{
    /// <summary>Folders nest at most this deep (the root's children are at depth 1).</summary>
    public const int MaxDepth = 64;

    public const int MaxPathLength = 20_000;

    public static bool TryParseConflict(string? value, out NameConflict conflict)
    {
        conflict = NameConflict.Rename;
        return value is null || Enum.TryParse(value, ignoreCase: true, out conflict) && Enum.IsDefined(conflict) && !int.TryParse(value, out _);
    }
}

/// <param name="Path">The path of the folder it is in ("/" for the root): given where a list spans folders (search).</param>
public sealed record FolderItem(Guid Id, string Name, Guid? ParentId, DateTimeOffset CreatedAt, DateTimeOffset ChangedAt, string? Path = null);

/// <summary>One step of a breadcrumb, from the root's first child down to the folder itself.</summary>
public sealed record Crumb(Guid Id, string Name);

/// <summary>A folder (null: the root) and the way to it.</summary>
public sealed record FolderView(FolderItem? Folder, IReadOnlyList<Crumb> Trail)
{
    public string Path => "/" + string.Join('/', Trail.Select(c => c.Name));
}

/// <summary>One page of a folder: folders first, then files; <see cref="Total"/> counts both.</summary>
public sealed record DrivePage(IReadOnlyList<FolderItem> Folders, IReadOnlyList<FileItem> Files, int Total, int FolderTotal);

public enum EntryKind
{
    File,
    Folder,
}

/// <summary>An entry the owner deleted, as the trash lists it: what went with a folder is inside it.</summary>
/// <param name="Size">Bytes of the file, or of every file that went with the folder.</param>
/// <param name="Files">1 for a file; for a folder the files that went with it.</param>
public sealed record TrashItem(EntryKind Kind, Guid Id, string Name, string OriginalPath, DateTimeOffset TrashedAt, long Size, int Files);

/// <summary>An earlier content of a file.</summary>
public sealed record VersionItem(Guid Id, Guid FileId, long Size, string ContentType, string Sha256, DateTimeOffset CreatedAt, DateTimeOffset ReplacedAt);

public enum TreeErrorKind
{
    /// <summary>No such entry for this owner (another user's counts as none): 404.</summary>
    NotFound,

    /// <summary>The name is taken, the move would make a cycle or nest too deep: 409.</summary>
    Conflict,

    /// <summary>A bad name or argument: 400.</summary>
    Invalid,
}

public sealed record TreeError(TreeErrorKind Kind, string Message);

/// <summary>A tree change's outcome: the changed entry, or why nothing changed.</summary>
public sealed record TreeResult<T>(T? Value, TreeError? Error)
    where T : class
{
    public bool Succeeded => Error is null;

    public static implicit operator TreeResult<T>(T value) => new(value, null);

    public static implicit operator TreeResult<T>(TreeError error) => new(null, error);
}

/// <summary>How much of the owner's usage is in the trash and in earlier versions (both count toward the quota).</summary>
public sealed record UsageBreakdown(long UsedBytes, long QuotaBytes, long TrashBytes, long VersionBytes);
