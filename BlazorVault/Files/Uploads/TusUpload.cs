namespace BlazorVault.Files.Uploads;

/// <summary>
/// A resumable upload as it is kept between requests (and restarts): who, what and until when.
/// <paramref name="FileId"/> is set once the last byte arrived and the file is stored: the record then
/// stays until it expires, so that a client whose connection broke just as the upload completed learns
/// from HEAD where its file went instead of uploading it again.
/// </summary>
public sealed record TusUpload(
    string Id,
    string OwnerId,
    long Length,
    string Name,
    string? ContentType,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    Guid? FileId = null);

/// <summary>
/// Who makes an upload through a file request: the link, and the hash of the visitor's secret (a cookie of that
/// link's), so that only the visitor who began an upload reaches it, not others who know the link.
/// </summary>
public sealed record RequestUpload(Guid LinkId, string VisitorKey);

/// <summary>The outcome of creating an upload: the new upload, or why not (the refusals of <see cref="UploadResult"/>).</summary>
public abstract record TusCreation
{
    private TusCreation()
    {
    }

    public sealed record Created(TusUpload Upload) : TusCreation;

    public sealed record Refused(UploadResult Reason) : TusCreation;

    /// <summary>A file request's limit on files or bytes would be passed (<see cref="UploadRecord.ShareLinkId"/>).</summary>
    public sealed record OverLinkLimit : TusCreation;
}

/// <summary>The outcome of one PATCH.</summary>
public abstract record TusPatch
{
    private TusPatch()
    {
    }

    /// <summary>Bytes appended; <paramref name="FileId"/> is set once the upload is complete and the file stored.</summary>
    public sealed record Accepted(long Offset, Guid? FileId) : TusPatch;

    public sealed record NotFound : TusPatch;

    /// <summary>The request's Upload-Offset is not where the upload is.</summary>
    public sealed record OffsetMismatch(long Offset) : TusPatch;

    /// <summary>Another request is writing to this upload.</summary>
    public sealed record Busy : TusPatch;

    /// <summary>The body runs past Upload-Length; none of it was kept.</summary>
    public sealed record TooLong(long Length) : TusPatch;

    /// <summary>The body does not match its Upload-Checksum; none of it was kept.</summary>
    public sealed record ChecksumMismatch : TusPatch;

    /// <summary>The upload completed but the file could not be stored (quota at commit); the upload is gone.</summary>
    public sealed record Refused(UploadResult Reason) : TusPatch;
}

/// <summary>The outcome of a termination (DELETE).</summary>
public enum TusTermination
{
    Terminated,
    NotFound,

    /// <summary>A request is still writing to the upload (a client that just aborted it, say); try again.</summary>
    Busy,
}

/// <summary>An Upload-Checksum header: the algorithm and the expected digest of one request's body.</summary>
public sealed record TusChecksum(System.Security.Cryptography.HashAlgorithmName Algorithm, byte[] Digest);
