namespace BlazorVault.Files.Viewing;

/// <summary>How the viewer shows a file.</summary>
public enum ViewKind
{
    /// <summary>Its icon, size and a Download button.</summary>
    None,
    Image,
    Video,
    Audio,
    Pdf,
    /// <summary>Plain text, code, and markup languages shown as their source (HTML, SVG, XML among them).</summary>
    Text,
    /// <summary>Markdown rendered with raw HTML disabled.</summary>
    Markdown,
}

/// <summary>
/// The allow-list of what the browser may render from an uploaded file. The uploader's content type and
/// name only choose among these; the type sent is always the list's own. HTML, SVG, XML and anything
/// unknown are never rendered as what they are on the app's origin: they are text, or a download.
/// </summary>
public static class InlineTypes
{
    public const string PlainText = "text/plain; charset=utf-8";

    private static readonly Dictionary<string, (ViewKind Kind, string Type)> ByType = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpeg"] = (ViewKind.Image, "image/jpeg"),
        ["image/pjpeg"] = (ViewKind.Image, "image/jpeg"),
        ["image/png"] = (ViewKind.Image, "image/png"),
        ["image/gif"] = (ViewKind.Image, "image/gif"),
        ["image/webp"] = (ViewKind.Image, "image/webp"),
        ["image/avif"] = (ViewKind.Image, "image/avif"),
        ["image/bmp"] = (ViewKind.Image, "image/bmp"),
        ["video/mp4"] = (ViewKind.Video, "video/mp4"),
        ["video/webm"] = (ViewKind.Video, "video/webm"),
        ["video/ogg"] = (ViewKind.Video, "video/ogg"),
        ["audio/mpeg"] = (ViewKind.Audio, "audio/mpeg"),
        ["audio/mp3"] = (ViewKind.Audio, "audio/mpeg"),
        ["audio/ogg"] = (ViewKind.Audio, "audio/ogg"),
        ["audio/wav"] = (ViewKind.Audio, "audio/wav"),
        ["audio/x-wav"] = (ViewKind.Audio, "audio/wav"),
        ["audio/webm"] = (ViewKind.Audio, "audio/webm"),
        ["audio/flac"] = (ViewKind.Audio, "audio/flac"),
        ["audio/mp4"] = (ViewKind.Audio, "audio/mp4"),
        ["audio/aac"] = (ViewKind.Audio, "audio/aac"),
        ["application/pdf"] = (ViewKind.Pdf, "application/pdf"),
        ["text/markdown"] = (ViewKind.Markdown, PlainText),
        ["text/x-markdown"] = (ViewKind.Markdown, PlainText),
        ["application/json"] = (ViewKind.Text, PlainText),
        ["application/xml"] = (ViewKind.Text, PlainText),
        ["application/javascript"] = (ViewKind.Text, PlainText),
        ["application/x-sh"] = (ViewKind.Text, PlainText),
        ["application/x-yaml"] = (ViewKind.Text, PlainText),
        ["application/yaml"] = (ViewKind.Text, PlainText),
        ["application/toml"] = (ViewKind.Text, PlainText),
        ["application/sql"] = (ViewKind.Text, PlainText),
        ["image/svg+xml"] = (ViewKind.Text, PlainText),
        ["application/xhtml+xml"] = (ViewKind.Text, PlainText),
    };

    private static readonly Dictionary<string, ViewKind> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".jpg"] = ViewKind.Image, [".jpeg"] = ViewKind.Image, [".png"] = ViewKind.Image, [".gif"] = ViewKind.Image,
        [".webp"] = ViewKind.Image, [".avif"] = ViewKind.Image, [".bmp"] = ViewKind.Image,
        [".mp4"] = ViewKind.Video, [".m4v"] = ViewKind.Video, [".webm"] = ViewKind.Video, [".ogv"] = ViewKind.Video,
        [".mp3"] = ViewKind.Audio, [".ogg"] = ViewKind.Audio, [".oga"] = ViewKind.Audio, [".wav"] = ViewKind.Audio,
        [".flac"] = ViewKind.Audio, [".m4a"] = ViewKind.Audio, [".aac"] = ViewKind.Audio, [".opus"] = ViewKind.Audio,
        [".pdf"] = ViewKind.Pdf,
        [".md"] = ViewKind.Markdown, [".markdown"] = ViewKind.Markdown,
        [".txt"] = ViewKind.Text, [".log"] = ViewKind.Text, [".csv"] = ViewKind.Text, [".tsv"] = ViewKind.Text,
        [".json"] = ViewKind.Text, [".xml"] = ViewKind.Text, [".html"] = ViewKind.Text, [".htm"] = ViewKind.Text,
        [".svg"] = ViewKind.Text, [".css"] = ViewKind.Text, [".js"] = ViewKind.Text, [".ts"] = ViewKind.Text,
        [".cs"] = ViewKind.Text, [".razor"] = ViewKind.Text, [".py"] = ViewKind.Text, [".rb"] = ViewKind.Text,
        [".go"] = ViewKind.Text, [".rs"] = ViewKind.Text, [".java"] = ViewKind.Text, [".kt"] = ViewKind.Text,
        [".c"] = ViewKind.Text, [".h"] = ViewKind.Text, [".cpp"] = ViewKind.Text, [".hpp"] = ViewKind.Text,
        [".sh"] = ViewKind.Text, [".ps1"] = ViewKind.Text, [".sql"] = ViewKind.Text, [".yml"] = ViewKind.Text,
        [".yaml"] = ViewKind.Text, [".toml"] = ViewKind.Text, [".ini"] = ViewKind.Text, [".conf"] = ViewKind.Text,
        [".csproj"] = ViewKind.Text, [".sln"] = ViewKind.Text, [".gitignore"] = ViewKind.Text,
    };

    private static readonly Dictionary<string, string> ExtensionTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".png"] = "image/png", [".gif"] = "image/gif", [".webp"] = "image/webp",
        [".avif"] = "image/avif", [".bmp"] = "image/bmp", [".mp4"] = "video/mp4", [".m4v"] = "video/mp4", [".webm"] = "video/webm",
        [".ogv"] = "video/ogg", [".mp3"] = "audio/mpeg", [".ogg"] = "audio/ogg", [".oga"] = "audio/ogg", [".opus"] = "audio/ogg",
        [".wav"] = "audio/wav", [".flac"] = "audio/flac", [".m4a"] = "audio/mp4", [".aac"] = "audio/aac", [".pdf"] = "application/pdf",
    };

    /// <summary>How the viewer shows the file, and the type its bytes are sent as (null: never inline, only as a download).</summary>
    public static (ViewKind Kind, string? Type) Of(string name, string contentType)
    {
        var declared = contentType.Split(';')[0].Trim();
        if (ByType.TryGetValue(declared, out var known))
        {
            return known;
        }

        if (declared.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
        {
            // text/html, text/xml, text/csv, text/x-python…: their source, as plain text.
            return (ViewKind.Text, PlainText);
        }

        // A generic or unknown claim: the name's extension may still say what it is.
        if (ByExtension.TryGetValue(Path.GetExtension(name), out var kind)
            && (declared.Length == 0 || declared.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase) || !declared.Contains('/')))
        {
            return (kind, kind is ViewKind.Text or ViewKind.Markdown ? PlainText : ExtensionTypes[Path.GetExtension(name)]);
        }

        return (ViewKind.None, null);
    }
}
