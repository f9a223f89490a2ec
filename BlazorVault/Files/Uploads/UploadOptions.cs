using System.ComponentModel.DataAnnotations;

namespace BlazorVault.Files.Uploads;

/// <summary>The <c>Vault:Uploads</c> section: resumable (tus) uploads.</summary>
public sealed class UploadOptions
{
    public const string SectionName = "Vault:Uploads";

    /// <summary>An upload with no PATCH for this long is abandoned: its URL answers 404 and its bytes are swept.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Expiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The dashboard sends files at least this large over HTTP (tus) rather than through the circuit,
    /// which moves only ~6-7 MB/s (see README, "Resumable uploads").
    /// </summary>
    [Range(0, long.MaxValue)]
    public long BrowserThresholdBytes { get; set; } = 1024 * 1024;

    /// <summary>Bytes per PATCH from the dashboard: large, since each browser slice and request costs a fixed few ms.</summary>
    [Range(64 * 1024, 256 * 1024 * 1024)]
    public int BrowserChunkBytes { get; set; } = 8 * 1024 * 1024;
}
