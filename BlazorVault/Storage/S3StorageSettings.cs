using System.ComponentModel.DataAnnotations;

namespace BlazorVault.Storage;

public enum StorageProvider
{
    FileSystem,
    S3,
}

/// <summary>
/// <c>Vault:Storage:S3:*</c>: an S3-compatible bucket (AWS, MinIO, Ceph, ...). Checked at start: a
/// malformed value or a bucket that cannot be reached stops the app with a message naming the setting.
/// </summary>
public sealed class S3StorageSettings
{
    public const string Section = "Vault:Storage:S3";

    /// <summary>The endpoint, e.g. <c>http://minio:9000</c>; empty for AWS itself (the endpoint of <see cref="Region"/>).</summary>
    public string? ServiceUrl { get; set; }

    public string? Bucket { get; set; }

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    public string Region { get; set; } = "us-east-1";

    /// <summary>Path-style URLs (<c>endpoint/bucket/key</c>), as MinIO and most self-hosted servers need.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>
    /// Downloads answer with a redirect to a short-lived presigned URL of the bucket (after the usual
    /// access checks), so the bytes do not pass through the app.
    /// </summary>
    public bool PresignedDownloads { get; set; }

    internal IEnumerable<ValidationResult> Validate()
    {
        if (!string.IsNullOrEmpty(ServiceUrl)
            && (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
        {
            yield return Error(nameof(ServiceUrl), $"must be an absolute http or https URL (it is '{ServiceUrl}')");
        }

        // The rules every S3 implementation shares (3-63 lower-case letters, digits, dots and hyphens).
        if (string.IsNullOrEmpty(Bucket))
        {
            yield return Error(nameof(Bucket), "is required when Vault:Storage:Provider is S3");
        }
        else if (Bucket.Length is < 3 or > 63 || !Bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
            || !char.IsAsciiLetterOrDigit(Bucket[0]) || !char.IsAsciiLetterOrDigit(Bucket[^1]))
        {
            yield return Error(nameof(Bucket), $"'{Bucket}' is not a valid bucket name");
        }

        if (string.IsNullOrEmpty(AccessKey))
        {
            yield return Error(nameof(AccessKey), "is required when Vault:Storage:Provider is S3");
        }

        if (string.IsNullOrEmpty(SecretKey))
        {
            yield return Error(nameof(SecretKey), "is required when Vault:Storage:Provider is S3");
        }

        if (string.IsNullOrWhiteSpace(Region))
        {
            yield return Error(nameof(Region), "must not be empty");
        }
    }

    private static ValidationResult Error(string key, string problem) =>
        new($"{Section}:{key} {problem}.", [$"S3.{key}"]);
}
