using System.ComponentModel.DataAnnotations;

namespace BlazorVault.Files.Uploads;

/// <summary>The <c>Vault:Uploads</c> section: resumable (tus) uploads.</summary>
public sealed class UploadOptions : IValidatableObject
{
    public const string SectionName = "Vault:Uploads";

    private const long MinBrowserChunkBytes = 64 * 1024;

    /// <summary>An upload with no PATCH for this long is abandoned: its URL answers 404 and its bytes are swept.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Expiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The dashboard sends files at least this large over HTTP (tus) rather than through the circuit,
    /// which moves only ~6 MB/s. Measured (bench/README.md, threshold sweep): the circuit wins at 64 KiB
    /// (80 vs 97 ms from choice to stored), tus from 256 KiB on (94 vs 118 ms; 2.4 times at 1 MiB).
    /// </summary>
    [Range(0, long.MaxValue)]
    public long BrowserThresholdBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Most bytes per PATCH from the dashboard; 0 (the default): one PATCH carries the rest of the file,
    /// since the server keeps what arrived when a request breaks off, and every extra request costs time
    /// (bench/README.md). Set it (at least 64 KiB) behind a proxy that limits request bodies.
    /// </summary>
    public long BrowserChunkBytes { get; set; }

    /// <summary>Unfinished resumable uploads one user may have at once; creating one more answers 409.</summary>
    [Range(1, 100_000)]
    public int MaxUnfinished { get; set; } = 100;

    /// <summary>Resumable uploads one user may create per minute (a token bucket: this many at once, refilled over the minute); more answer 429.</summary>
    [Range(1, 1_000_000)]
    public int CreationsPerMinute { get; set; } = 600;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BrowserChunkBytes is not 0 and < MinBrowserChunkBytes)
        {
            yield return new ValidationResult(
                $"BrowserChunkBytes must be 0 (the whole file per request) or at least {MinBrowserChunkBytes} bytes.", [nameof(BrowserChunkBytes)]);
        }
    }
}
