using BlazorVault.Data;

namespace BlazorVault.Files;

/// <param name="FolderId">The folder it is in; null for the root.</param>
/// <param name="Path">The path of its folder ("/" for the root, "/Photos/2026" below): given where a list spans folders (search).</param>
public sealed record FileItem(Guid Id, string Name, long Size, string ContentType, string Sha256, DateTimeOffset CreatedAt, Guid? FolderId = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Path = null)
{
    public static FileItem From(StoredFile file) =>
        new(file.Id, file.Name, file.Size, file.ContentType, file.Sha256, file.CreatedAt, file.FolderId);
}

public enum FileSortColumn
{
    Name,
    Size,
    Date,
}

/// <param name="Search">Case-insensitive part of the name; null or blank for all.</param>
/// <param name="Skip">Rows to skip (paging).</param>
/// <param name="Take">Rows to return, 1..500.</param>
public sealed record FileQuery(string? Search = null, FileSortColumn SortBy = FileSortColumn.Date, bool Descending = true, int Skip = 0, int Take = 50);

public sealed record FilePage(IReadOnlyList<FileItem> Items, int Total);

public sealed record StorageUsage(long UsedBytes, long QuotaBytes);

/// <summary>The outcome of an upload: the new file, or why nothing was stored.</summary>
public abstract record UploadResult
{
    private UploadResult()
    {
    }

    public sealed record Stored(FileItem File) : UploadResult;

    public sealed record InvalidName(string Reason) : UploadResult;

    public sealed record TooLarge(long LimitBytes) : UploadResult;

    public sealed record OverQuota(long QuotaBytes, long UsedBytes) : UploadResult;

    /// <summary>The server's disk is (nearly) full: nothing to do with the user's quota.</summary>
    public sealed record StorageFull : UploadResult;

    /// <summary>What the upload belonged to went away while it was being stored (a resumable upload terminated meanwhile).</summary>
    public sealed record Conflict(string Reason) : UploadResult;

    /// <summary>The target folder is not the owner's live folder.</summary>
    public sealed record FolderNotFound : UploadResult;

    /// <summary>The name is taken and the conflict rule said not to rename or replace.</summary>
    public sealed record NameTaken(string Reason) : UploadResult;

    /// <summary>The owner already has as many unfinished resumable uploads as allowed.</summary>
    public sealed record TooManyUnfinished(int Limit) : UploadResult;
}

/// <summary>Where an upload goes: a folder (null: the root), folders below it to find or make (a folder upload's relative path), and what to do when the name is taken.</summary>
public sealed record Placement(Guid? FolderId = null, string? RelativePath = null, BlazorVault.Files.Tree.NameConflict Conflict = BlazorVault.Files.Tree.NameConflict.Rename)
{
    public static readonly Placement Root = new();
}

/// <summary>Whether an upload may start: its clean name and the most bytes it may bring, or why not.</summary>
public abstract record Admission
{
    private Admission()
    {
    }

    public sealed record Admitted(string Name, long MaxBytes, StorageUsage Usage) : Admission;

    public sealed record Refused(UploadResult Reason) : Admission;
}

/// <summary>
/// Inside the commit's transaction, instead of charging the quota: takes over a charge made earlier
/// (a resumable upload's reservation). False refuses the commit.
/// </summary>
public delegate Task<bool> CommitClaim(VaultDbContext db, StoredFile file, CancellationToken cancellationToken);

/// <summary>An owner's file opened for download: its metadata and where its bytes are (a local path when the store has one).</summary>
public sealed record FileContent(FileItem File, string? PhysicalPath, Func<CancellationToken, Task<Stream?>> OpenReadAsync)
{
    /// <summary>Where the bytes can be fetched without the app (a presigned URL of the bucket); null to send them.</summary>
    public Func<Uri?> RedirectUrl { get; init; } = () => null;

    /// <summary>The blob's path below the store's blob directory, for nginx's <c>X-Accel-Redirect</c>; null when the store has no files.</summary>
    public string? BlobRelativePath { get; init; }
}
