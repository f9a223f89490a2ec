using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.StaticFiles;

namespace BlazorVault.Files;

/// <summary>File names are display text, never paths.</summary>
public static class FileNames
{
    public const int MaxLength = 255;

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>
    /// Keeps the last path segment, drops control and format characters, trims, caps at 255
    /// characters (without splitting a surrogate pair) and normalizes to NFC. Null when nothing is left.
    /// </summary>
    public static string? Sanitize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        // Both separators: a name from Windows arrives with backslashes.
        var lastSeparator = name.LastIndexOfAny(['/', '\\']);
        var segment = lastSeparator >= 0 ? name[(lastSeparator + 1)..] : name;

        var builder = new StringBuilder(segment.Length);
        foreach (var rune in segment.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned)
            {
                continue;
            }

            builder.Append(rune.ToString());
        }

        var cleaned = builder.ToString().Normalize(NormalizationForm.FormC).Trim();
        if (cleaned is "" or "." or "..")
        {
            return null;
        }

        if (cleaned.Length > MaxLength)
        {
            var cut = MaxLength;
            if (char.IsHighSurrogate(cleaned[cut - 1]))
            {
                cut--;
            }

            cleaned = cleaned[..cut].TrimEnd();
        }

        return cleaned;
    }

    /// <summary>The client's content type when it is a plausible media type, else one guessed from the name.</summary>
    public static string ContentTypeFor(string name, string? declared)
    {
        if (!string.IsNullOrWhiteSpace(declared)
            && declared.Length <= 200
            && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(declared, out var parsed)
            && parsed.MediaType.Value is { } media
            && media.Contains('/', StringComparison.Ordinal)
            && !media.Contains('*', StringComparison.Ordinal)
            && media != "application/octet-stream")
        {
            return media.ToLowerInvariant();
        }

        return ContentTypes.TryGetContentType(name, out var guessed) ? guessed : "application/octet-stream";
    }
}
