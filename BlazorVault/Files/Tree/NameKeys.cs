using System.Globalization;
using System.Text;

namespace BlazorVault.Files.Tree;

/// <summary>How names compare inside a folder: case-insensitively in every script, not only ASCII.</summary>
public static class NameKeys
{
    /// <summary>
    /// The comparison key of a clean name: NFC, upper- then lower-cased with the invariant culture, so
    /// that "Ä", "ä" and "A\u0308" share one key (and so do Greek, Cyrillic and other cased scripts).
    /// </summary>
    public static string For(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Normalize(NormalizationForm.FormC).ToUpperInvariant().ToLowerInvariant();
    }

    /// <summary>
    /// The first of "name", "name (2)", "name (3)", … (the number before the extension, as other drives do)
    /// whose key <paramref name="taken"/> does not hold.
    /// </summary>
    public static string FirstFree(string name, Func<string, bool> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        if (!taken(For(name)))
        {
            return name;
        }

        var extension = Path.GetExtension(name);
        var stem = extension.Length > 0 && extension.Length < name.Length ? name[..^extension.Length] : name;
        if (stem.Length == name.Length)
        {
            extension = "";
        }

        for (var n = 2; ; n++)
        {
            var suffix = string.Create(CultureInfo.InvariantCulture, $" ({n})") + extension;
            var room = FileNames.MaxLength - suffix.Length;
            var candidate = (stem.Length > room ? stem[..room].TrimEnd() : stem) + suffix;
            if (!taken(For(candidate)))
            {
                return candidate;
            }
        }
    }
}
