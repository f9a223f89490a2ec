namespace BlazorVault.Files.Uploads;

/// <summary>A resumable upload as it is kept between requests (and restarts): who, what and until when.</summary>
public sealed record TusUpload(
    string Id,
    string OwnerId,
    long Length,
    string Name,
    string? ContentType,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);

/// <summary>The outcome of creating an upload: the new upload, or why not (the refusals of <see cref="UploadResult"/>).</summary>
public abstract record TusCreation
{
    private TusCreation()
    {
    }

    public sealed record Created(TusUpload Upload) : TusCreation;

    public sealed record Refused(UploadResult Reason) : TusCreation;
}

/// <summary>The outcome of one PATCH.</summary>
public abstract record TusPatch
{
    private TusPatch()
    {
    }

    /// <summary>Bytes appended; <paramref name="File"/> is set when they completed the upload and the file is stored.</summary>
    public sealed record Accepted(long Offset, FileItem? File) : TusPatch;

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

/// <summary>An Upload-Checksum header: the algorithm and the expected digest of one request's body.</summary>
public sealed record TusChecksum(System.Security.Cryptography.HashAlgorithmName Algorithm, byte[] Digest);
