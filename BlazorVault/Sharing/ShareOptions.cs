using System.ComponentModel.DataAnnotations;

namespace BlazorVault.Sharing;

/// <summary>The <c>Vault:Links</c> configuration section.</summary>
public sealed class ShareOptions
{
    public const string SectionName = "Vault:Links";

    [Range(typeof(TimeSpan), "00:05:00", "3650.00:00:00")]
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromDays(7);

    [Range(typeof(TimeSpan), "00:05:00", "3650.00:00:00")]
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long after a counted download its client may continue it with Range requests that do not
    /// count, even once the link is used up (<see cref="ShareResumeGrant"/>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan ResumeWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long the download grant minted by <c>/s/{id}/download</c> after the link's checks is good for: the
    /// browser's download starts at once, and a resume after this goes through the short link again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan DownloadGrantLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Requests to <c>/s/*</c> per client address per minute.</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerMinute { get; set; } = 120;
}
