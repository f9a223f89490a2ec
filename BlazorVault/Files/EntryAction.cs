namespace BlazorVault.Files;

/// <summary>What a row of the drive's list offers besides its download (a plain link).</summary>
public enum EntryAction
{
    Share,
    Versions,
    Rename,
    Move,
    Delete,
}
