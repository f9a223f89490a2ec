namespace BlazorVault.Files.Thumbnails;

/// <summary><c>Vault:Thumbnails</c>: limits that keep a hostile or huge image from costing the server much.</summary>
public sealed class ThumbnailOptions
{
    public const string SectionName = "Vault:Thumbnails";

    /// <summary>Off: no thumbnails are made or served; files show their icons.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Images with more pixels than this (width × height, read from the header) get an icon: decompression bombs.</summary>
    public long MaxPixels { get; set; } = 200_000_000;

    /// <summary>Files larger than this are not read for a thumbnail.</summary>
    public long MaxSourceBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Making one thumbnail pair is stopped after this long.</summary>
    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A row taken this many times without an answer (its worker died each time) counts as failed.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How often an idle worker looks for rows that other instances asked for.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>libvips worker threads per image: 1 leaves the other core to uploads and downloads.</summary>
    public int Threads { get; set; } = 1;
}
