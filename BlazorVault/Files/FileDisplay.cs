using System.Globalization;

namespace BlazorVault.Files;

public enum FileKind
{
    Image,
    Video,
    Audio,
    Pdf,
    Archive,
    Text,
    Other,
}

/// <summary>How files look in the dashboard: sizes, kinds and dates as people read them.</summary>
public static class FileDisplay
{
    private static readonly string[] Units = ["B", "kB", "MB", "GB", "TB", "PB"];

    private static readonly HashSet<string> ArchiveTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/zip", "application/x-zip-compressed", "application/x-tar", "application/gzip",
        "application/x-gzip", "application/x-7z-compressed", "application/x-rar-compressed",
        "application/vnd.rar", "application/x-bzip2", "application/x-xz", "application/zstd",
        "application/java-archive",
    };

    private static readonly HashSet<string> TextTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/json", "application/xml", "application/javascript", "application/x-sh",
        "application/yaml", "application/x-yaml", "application/toml", "application/sql",
    };

    /// <summary>
    /// Decimal units, as the operating systems' file managers count (1 kB = 1000 B, 1 MB = 1000 kB), with
    /// one decimal above bytes: "512 B", "1.5 kB", 20,000,000 bytes "20.0 MB". In the viewer's culture.
    /// </summary>
    public static string Size(long bytes)
    {
        if (bytes < 1000)
        {
            return string.Create(CultureInfo.CurrentCulture, $"{bytes} B");
        }

        double value = bytes;
        var unit = 0;
        // Rounded to one decimal, 999,950 B would read "1000.0 kB": then it is the next unit's "1.0 MB".
        while (Math.Round(value, 1) >= 1000 && unit < Units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return string.Create(CultureInfo.CurrentCulture, $"{value:0.0} {Units[unit]}");
    }

    /// <summary>A transfer rate in the same decimal units: "12.5 MB/s".</summary>
    public static string Speed(double bytesPerSecond) =>
        string.Create(CultureInfo.CurrentCulture, $"{bytesPerSecond / 1_000_000:0.0} MB/s");

    /// <summary>A percentage for CSS and ARIA attributes, which always want a dot as decimal separator.</summary>
    public static string CssPercent(double percent) =>
        Math.Clamp(percent, 0, 100).ToString("0.#", CultureInfo.InvariantCulture);

    public static FileKind KindOf(string contentType)
    {
        var media = contentType.Split(';', 2)[0].Trim();
        return media switch
        {
            _ when media.StartsWith("image/", StringComparison.OrdinalIgnoreCase) => FileKind.Image,
            _ when media.StartsWith("video/", StringComparison.OrdinalIgnoreCase) => FileKind.Video,
            _ when media.StartsWith("audio/", StringComparison.OrdinalIgnoreCase) => FileKind.Audio,
            _ when media.Equals("application/pdf", StringComparison.OrdinalIgnoreCase) => FileKind.Pdf,
            _ when ArchiveTypes.Contains(media) => FileKind.Archive,
            _ when media.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
                || TextTypes.Contains(media)
                || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
                || media.EndsWith("+xml", StringComparison.OrdinalIgnoreCase) => FileKind.Text,
            _ => FileKind.Other,
        };
    }

    /// <summary>The Bootstrap Icons class of a kind of file (the font is vendored: no emoji font needed).</summary>
    public static string Icon(FileKind kind) => kind switch
    {
        FileKind.Image => "bi-file-earmark-image",
        FileKind.Video => "bi-file-earmark-play",
        FileKind.Audio => "bi-file-earmark-music",
        FileKind.Pdf => "bi-file-earmark-pdf",
        FileKind.Archive => "bi-file-earmark-zip",
        FileKind.Text => "bi-file-earmark-text",
        _ => "bi-file-earmark",
    };

    public static string Label(FileKind kind) => kind switch
    {
        FileKind.Pdf => "PDF",
        FileKind.Other => "File",
        _ => kind.ToString(),
    };

    /// <summary>
    /// "Today, 14:05", "Yesterday, 9:12 AM", or "03.03.2026, 18:40": in the viewer's time zone, with the date and
    /// time as the viewer's culture writes them.
    /// </summary>
    public static string Date(DateTimeOffset at, DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var today = TimeZoneInfo.ConvertTime(now, zone).Date;
        var culture = CultureInfo.CurrentCulture;
        var time = local.ToString("t", culture);
        if (local.Date == today)
        {
            return "Today, " + time;
        }

        if (local.Date == today.AddDays(-1))
        {
            return "Yesterday, " + time;
        }

        return local.ToString("d", culture) + ", " + time;
    }
}
