using BlazorVault.Files.Tree;

namespace BlazorVault.Files;

/// <summary>One row of the dashboard's grid: a folder or a file.</summary>
public sealed record DriveEntry(FolderItem? Folder, FileItem? File)
{
    public Guid Id => Folder?.Id ?? File!.Id;

    public string Name => Folder?.Name ?? File!.Name;

    public bool IsFolder => Folder is not null;

    public long Size => File?.Size ?? 0;

    public DateTimeOffset CreatedAt => Folder?.CreatedAt ?? File!.CreatedAt;

    /// <summary>The folder the entry is in (null: the root).</summary>
    public Guid? ParentId => Folder is not null ? Folder.ParentId : File!.FolderId;

    /// <summary>The path of its folder, where the list spans folders (search).</summary>
    public string? Path => Folder is not null ? Folder.Path : File!.Path;

    public static IReadOnlyList<DriveEntry> Of(DrivePage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return [.. page.Folders.Select(f => new DriveEntry(f, null)), .. page.Files.Select(f => new DriveEntry(null, f))];
    }
}

/// <summary>Links of the dashboard's pages, in one place.</summary>
public static class DriveLinks
{
    public static string Folder(Guid? id) => id is { } folder ? $"folders/{folder}" : "";

    public static string Zip(IEnumerable<DriveEntry> entries)
    {
        var query = string.Join('&', entries.Select(e => (e.IsFolder ? "folder=" : "file=") + e.Id));
        return "download/zip?" + query;
    }
}
