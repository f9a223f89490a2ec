using System.Text.Json;
using BlazorVault.Data;

namespace BlazorVault.Accounts;

/// <summary>
/// The JSON key file each purpose had before keys lived in the database. Read only to import it, so
/// that share links (up to 30 days) and API tokens signed before the upgrade keep working.
/// </summary>
internal static class LegacySigningKeyFile
{
    public static string PathFor(VaultPaths paths, string purpose) =>
        // Not VaultPaths.SubDirectory: a new installation should not grow an empty keys/ folder.
        Path.Combine(paths.Root, "keys", $"{purpose}-signing-keys.json");

    public static IReadOnlyList<SigningKey> Read(string? file, string purpose)
    {
        if (file is null || !File.Exists(file))
        {
            return [];
        }

        using var stream = File.OpenRead(file);
        var keys = JsonSerializer.Deserialize<List<StoredKey>>(stream)
            ?? throw new InvalidDataException($"The signing key file '{file}' is empty.");
        return [.. keys.Select(k => new SigningKey { Id = k.Id, Purpose = purpose, CreatedAt = k.CreatedAt, Secret = k.Secret })];
    }

    // The file's shape, as the file-based ring wrote it.
    private sealed record StoredKey(string Id, DateTimeOffset CreatedAt, string Secret);
}
