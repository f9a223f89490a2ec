namespace BlazorVault.Storage;

/// <summary>
/// A blob as the database knows it: how many file rows use it, and whether writers are about to
/// (<see cref="Pending"/> writers, protected until <see cref="PendingUntil"/> even if one of them
/// crashed). A blob may be removed only when nothing uses it and no writer protects it.
/// </summary>
public sealed class BlobRecord
{
    /// <summary>Lower-case hex SHA-256: the blob's address.</summary>
    public required string Sha256 { get; set; }

    public long Size { get; set; }

    public long RefCount { get; set; }

    public int Pending { get; set; }

    public DateTimeOffset PendingUntil { get; set; }
}
