using System.Xml.Linq;
using BlazorVault.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorVault.Accounts;

/// <summary>
/// Data Protection keys from before they lived in the database (<c>&lt;DataDirectory&gt;/data-protection-keys</c>),
/// imported once so that sign-in sessions and antiforgery tokens survive the upgrade.
/// </summary>
internal static class LegacyDataProtectionKeys
{
    public static string DirectoryFor(VaultPaths paths) => Path.Combine(paths.Root, "data-protection-keys");

    /// <summary>Imports the directory's key files when the table holds no key yet; returns how many were added.</summary>
    public static async Task<int> ImportAsync(VaultDbContext db, string directory, ILogger logger, CancellationToken cancellationToken = default)
    {
        // A table with keys is past the upgrade; importing again would bring back keys the ring has let go.
        if (!Directory.Exists(directory) || await db.DataProtectionKeys.AnyAsync(cancellationToken))
        {
            return 0;
        }

        var imported = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "*.xml").Order(StringComparer.Ordinal))
        {
            // The names FileSystemXmlRepository gave ("key-<id>") are the ones EntityFrameworkCoreXmlRepository gives.
            var friendlyName = Path.GetFileNameWithoutExtension(file);
            var xml = XElement.Load(file).ToString(SaveOptions.DisableFormatting);
            // Conditional on the name: a second process importing at the same time adds no duplicate.
            imported += await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "DataProtectionKeys" ("FriendlyName", "Xml")
                SELECT {friendlyName}, {xml}
                WHERE NOT EXISTS (SELECT 1 FROM "DataProtectionKeys" WHERE "FriendlyName" = {friendlyName})
                """,
                cancellationToken);
        }

        if (imported > 0)
        {
            logger.LogInformation("Imported {Count} Data Protection keys from {Directory}; it is no longer used", imported, directory);
        }

        return imported;
    }
}
