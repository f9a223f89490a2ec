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

    /// <summary>
    /// Thumbnails of a folder link's files per client address per minute, counted apart from <see cref="PermitsPerMinute"/>:
    /// each page of a shared folder of photos asks for up to 50 at once, and paging through one must not run out.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ThumbnailPermitsPerMinute { get; set; } = 1_200;

    /// <summary>
    /// Wrong passwords within <see cref="PasswordPause"/> (counted from the first of them) after which a link
    /// refuses every password, right or wrong, for <see cref="PasswordPause"/>. The pause is the link's and so
    /// everyone's on it; <see cref="PasswordTriesPerAddress"/> stops one client long before it gets there.
    /// </summary>
    [Range(3, 1_000)]
    public int PasswordFailuresBeforePause { get; set; } = 12;

    /// <summary>How long a paused link stays paused; also the window its wrong passwords are counted in.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan PasswordPause { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Password tries (right or wrong) one client address may make at one link per <see cref="PasswordPause"/>
    /// (a sliding window). Must be less than half of <see cref="PasswordFailuresBeforePause"/>: a sliding window
    /// lets through at most twice its limit in any stretch as long as the window, so one address alone can
    /// never pause a link for everyone else.
    /// </summary>
    [Range(1, 500)]
    public int PasswordTriesPerAddress { get; set; } = 5;

    /// <summary>How long the proof that a visitor knows a link's password lasts (an HttpOnly cookie scoped to the link).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan PasswordProofLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How many days a link's access log keeps its entries.</summary>
    [Range(1, 3650)]
    public int AccessLogDays { get; set; } = 90;
}
