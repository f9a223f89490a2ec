using BlazorVault.Files.Tree;

namespace BlazorVault.Files;

/// <summary>The dashboard's changes to the tree, for a file or a folder alike; each answers null or the service's refusal.</summary>
public sealed class DriveCommands(TreeService tree)
{
    public async Task<string?> RenameAsync(string ownerId, DriveEntry entry, string name)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.IsFolder
            ? (await tree.UpdateFolderAsync(ownerId, entry.Id, name, null)).Error?.Message
            : (await tree.UpdateFileAsync(ownerId, entry.Id, name, null)).Error?.Message;
    }

    /// <summary>Moves each entry; answers the entries that did not move, each with why.</summary>
    public async Task<IReadOnlyList<(DriveEntry Entry, string Error)>> MoveAsync(string ownerId, IEnumerable<DriveEntry> entries, Guid? target)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var failed = new List<(DriveEntry, string)>();
        foreach (var entry in entries)
        {
            if (entry.ParentId == target)
            {
                continue;
            }

            var error = entry.IsFolder
                ? (await tree.UpdateFolderAsync(ownerId, entry.Id, null, new Destination(target))).Error
                : (await tree.UpdateFileAsync(ownerId, entry.Id, null, new Destination(target))).Error;
            if (error is not null)
            {
                failed.Add((entry, error.Message));
            }
        }

        return failed;
    }

    /// <summary>Sends the entries to the trash; answers how many were already gone.</summary>
    public async Task<int> TrashAsync(string ownerId, IEnumerable<DriveEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var gone = 0;
        foreach (var entry in entries)
        {
            var trashed = entry.IsFolder ? await tree.TrashFolderAsync(ownerId, entry.Id) : await tree.TrashFileAsync(ownerId, entry.Id);
            gone += trashed ? 0 : 1;
        }

        return gone;
    }
}
