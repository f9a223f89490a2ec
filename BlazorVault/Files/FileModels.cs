namespace BlazorVault.Files;

public sealed record FileItem(Guid Id, string Name, long Size, string ContentType, string Sha256, DateTimeOffset CreatedAt)
{
    public static FileItem From(StoredFile file) =>
        new(file.Id, file.Name, file.Size, file.ContentType, file.Sha256, file.CreatedAt);
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
}

/// <summary>An owner's file opened for download: its metadata and where its bytes are.</summary>
public sealed record FileContent(FileItem File, string? PhysicalPath, Func<Stream?> OpenRead);
