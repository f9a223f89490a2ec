using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace BlazorVault;

/// <summary>The <c>Vault</c> configuration section (environment: <c>Vault__Key</c>).</summary>
public sealed class VaultOptions
{
    public const string SectionName = "Vault";

    /// <summary>Database, blobs and keys live here; relative paths are under the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    [Range(0, long.MaxValue)]
    public long DefaultQuotaBytes { get; set; } = 50L * 1024 * 1024 * 1024;

    [ValidateObjectMembers]
    public PasswordSettings Passwords { get; set; } = new();

    [ValidateObjectMembers]
    public LockoutSettings Lockout { get; set; } = new();

    [ValidateObjectMembers]
    public TokenSettings Tokens { get; set; } = new();

    [ValidateObjectMembers]
    public RateLimitSettings RateLimits { get; set; } = new();

    [ValidateObjectMembers]
    public StorageSettings Storage { get; set; } = new();

    [ValidateObjectMembers]
    public MaintenanceSettings Maintenance { get; set; } = new();

    [ValidateObjectMembers]
    public FileSettings Files { get; set; } = new();

    [ValidateObjectMembers]
    public TrashSettings Trash { get; set; } = new();

    [ValidateObjectMembers]
    public DownloadSettings Downloads { get; set; } = new();

    /// <summary>
    /// The address people reach the app by, such as <c>https://files.example.org</c>: share links are built on it
    /// whatever host a request came in by. Unset, links use the host the owner's request came in by.
    /// </summary>
    [Url]
    public string? PublicBaseUrl { get; set; }

    [ValidateObjectMembers]
    public ProxySettings Proxy { get; set; } = new();
}

/// <summary>Which reverse proxies' <c>X-Forwarded-*</c> headers are believed (<see cref="ForwardedHeaders"/>).</summary>
public sealed class ProxySettings : IValidatableObject
{
    /// <summary>Proxy addresses, such as <c>10.0.0.5</c>. With neither list set, only loopback is trusted.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, such as <c>10.0.0.0/24</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var address in KnownProxies.Where(a => !System.Net.IPAddress.TryParse(a, out _)))
        {
            yield return new ValidationResult($"Vault:Proxy:KnownProxies: \"{address}\" is not an IP address.", [nameof(KnownProxies)]);
        }

        foreach (var network in KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult($"Vault:Proxy:KnownNetworks: \"{network}\" is not a network such as 10.0.0.0/24.", [nameof(KnownNetworks)]);
        }
    }
}

public sealed class FileSettings
{
    /// <summary>Earlier contents kept per file when uploads replace it; the oldest go first. 0 keeps none.</summary>
    [Range(0, 1000)]
    public int MaxVersions { get; set; } = 10;
}

public sealed class DownloadSettings
{
    /// <summary>
    /// For bench/run.sh only, never in production: <c>GET /bench/bare/{sha256}</c> sends a blob's bytes as a
    /// download does, with no sign-in and no database, the floor that downloads are measured against; and
    /// <c>GET /bench/checked/{sha256}</c> the same behind the API's bearer policy (the token's user checked, one
    /// statement). Off by default.
    /// </summary>
    public bool BareBenchEndpoint { get; set; }

    /// <summary>
    /// Behind nginx: the path of an <c>internal</c> nginx location whose <c>alias</c> is the data directory's
    /// <c>blobs</c> folder, such as <c>/_vault_blobs/</c>. Downloads are then answered with <c>X-Accel-Redirect</c>
    /// and nginx sends the bytes (<see cref="Files.AccelRedirect"/>). Unset (the default): the app sends them.
    /// Set it only behind an nginx configured for it, or downloads arrive empty.
    /// </summary>
    public string? AccelRedirect { get; set; }
}

public sealed class TrashSettings
{
    /// <summary>Days an item stays in the trash before the background purge deletes it for good.</summary>
    [Range(1, 36500)]
    public int RetentionDays { get; set; } = 30;
}

public sealed class StorageSettings : IValidatableObject
{
    /// <summary>Where file bytes live: <c>FileSystem</c> (the data directory) or <c>S3</c> (a bucket, see <see cref="S3"/>).</summary>
    public Storage.StorageProvider Provider { get; set; } = Storage.StorageProvider.FileSystem;

    /// <summary>The bucket's settings; read only when <see cref="Provider"/> is <c>S3</c>.</summary>
    public Storage.S3StorageSettings S3 { get; set; } = new();

    /// <summary>New uploads are refused while the data volume has less than this free (plus the upload's size).</summary>
    [Range(0, long.MaxValue)]
    public long MinFreeBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>How long a blob written for a commit stays protected from the sweep if its writer dies before committing.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PendingGrace { get; set; } = TimeSpan.FromMinutes(15);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Provider == Storage.StorageProvider.S3 ? S3.Validate() : [];
}

public sealed class MaintenanceSettings
{
    /// <summary>How often the blob sweep and the upload expiry run (each on one instance at a time).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

public sealed class PasswordSettings
{
    // bcrypt accepts 4..31; below 10 is only sensible in tests (see bench/README.md).
    [Range(4, 31)]
    public int BcryptWorkFactor { get; set; } = 12;
}

public sealed class LockoutSettings
{
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(15);
}

public sealed class TokenSettings
{
    [Required]
    public string Issuer { get; set; } = "BlazorVault";

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}

public sealed class RateLimitSettings
{
    /// <summary>Sign-in, registration and token requests allowed per client address per minute.</summary>
    [Range(1, 100_000)]
    public int AuthPermitsPerMinute { get; set; } = 20;
}
