using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace BlazorVault.Storage;

/// <summary>
/// The configured bucket and the few S3 calls the stores make, written for what every S3 implementation
/// does (AWS, MinIO, Ceph) and for what the s3rver emulator does not (see README): bodies go with a known
/// length and without <c>aws-chunked</c> framing, reads always name an explicit <c>bytes=a-b</c> range and
/// copy exactly that many bytes, and nothing relies on ListParts, ListMultipartUploads or an object's
/// mere presence.
/// </summary>
internal sealed class S3Bucket : IDisposable
{
    /// <summary>S3 copies at most 5 GiB in one CopyObject; larger objects are copied part by part.</summary>
    public const long MaxSingleCopy = 5L * 1024 * 1024 * 1024;

    private const long CopyPartSize = 1024L * 1024 * 1024;

    private readonly S3StorageSettings _settings;

    public S3Bucket(IOptions<VaultOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _settings = options.Value.Storage.S3;
        Name = _settings.Bucket ?? throw new InvalidOperationException($"{S3StorageSettings.Section}:Bucket is required.");
        var config = new AmazonS3Config
        {
            ForcePathStyle = _settings.ForcePathStyle,
            AuthenticationRegion = _settings.Region,
            // Newer SDKs add CRC trailers in aws-chunked bodies by default, which some S3-compatible servers store
            // verbatim as part of the object. Checksums only where an operation requires them; bytes are verified by SHA-256.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 3,
            Timeout = TimeSpan.FromMinutes(5),
        };
        if (string.IsNullOrEmpty(_settings.ServiceUrl))
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(_settings.Region);
        }
        else
        {
            config.ServiceURL = _settings.ServiceUrl;
        }

        var client = new AmazonS3Client(new BasicAWSCredentials(_settings.AccessKey, _settings.SecretKey), config);
        client.BeforeRequestEvent += UnescapeCopySource;
        Client = client;
    }

    public string Name { get; }

    public IAmazonS3 Client { get; }

    /// <summary>
    /// Checks that the bucket answers with these credentials; throws <see cref="InvalidOperationException"/>
    /// naming the setting that is wrong.
    /// </summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var endpoint = string.IsNullOrEmpty(_settings.ServiceUrl) ? $"AWS region {_settings.Region}" : _settings.ServiceUrl;
        try
        {
            await Client.HeadBucketAsync(new HeadBucketRequest { BucketName = Name }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new InvalidOperationException($"{S3StorageSettings.Section}:Bucket: there is no bucket '{Name}' at {endpoint}.", e);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            throw new InvalidOperationException(
                $"{S3StorageSettings.Section}:AccessKey / SecretKey: {endpoint} refused access to bucket '{Name}' ({e.ErrorCode ?? e.StatusCode.ToString()}).", e);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.BadRequest)
        {
            throw new InvalidOperationException(
                $"{S3StorageSettings.Section}:Region / ForcePathStyle: {endpoint} answered {(int)e.StatusCode} for bucket '{Name}' ({e.ErrorCode}).", e);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or OperationCanceledException or IOException)
        {
            throw new InvalidOperationException($"{S3StorageSettings.Section}:ServiceUrl: the bucket '{Name}' at {endpoint} cannot be reached: {e.Message}", e);
        }
    }

    /// <summary>The object's length; null when there is none.</summary>
    public async Task<long?> LengthAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Name, Key = key }, cancellationToken);
            return head.ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Writes a whole object from memory.</summary>
    public async Task PutAsync(string key, PartBuffer content, CancellationToken cancellationToken)
    {
        await using var body = content.OpenRead();
        await Client.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = Name,
                Key = key,
                InputStream = body,
                AutoCloseStream = false,
                // A plain body of known length: aws-chunked framing ends up inside the object on some servers.
                UseChunkEncoding = false,
                ContentType = "application/octet-stream",
            },
            cancellationToken);
    }

    public async Task<string> StartMultipartAsync(string key, CancellationToken cancellationToken) =>
        (await Client.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = Name, Key = key, ContentType = "application/octet-stream" }, cancellationToken)).UploadId;

    /// <summary>Uploads one part and returns its ETag. Every part but the last must be at least 5 MiB: the caller's rule.</summary>
    public async Task<string> UploadPartAsync(string key, string uploadId, int partNumber, PartBuffer content, CancellationToken cancellationToken)
    {
        await using var body = content.OpenRead();
        var response = await Client.UploadPartAsync(
            new UploadPartRequest
            {
                BucketName = Name,
                Key = key,
                UploadId = uploadId,
                PartNumber = partNumber,
                InputStream = body,
                PartSize = content.Length,
                UseChunkEncoding = false,
            },
            cancellationToken);
        return response.ETag;
    }

    public async Task CompleteMultipartAsync(string key, string uploadId, IEnumerable<(int Number, string ETag)> parts, CancellationToken cancellationToken) =>
        await Client.CompleteMultipartUploadAsync(
            new CompleteMultipartUploadRequest
            {
                BucketName = Name,
                Key = key,
                UploadId = uploadId,
                PartETags = [.. parts.Select(p => new PartETag(p.Number, p.ETag))],
            },
            cancellationToken);

    /// <summary>
    /// Best effort: an upload that cannot be aborted (some emulators do not implement it) is left to the
    /// bucket's lifecycle rule for incomplete multipart uploads (see README).
    /// </summary>
    public async Task AbortMultipartQuietlyAsync(string key, string uploadId, ILogger logger)
    {
        try
        {
            await Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Name, Key = key, UploadId = uploadId }, CancellationToken.None);
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException)
        {
            logger.LogDebug(e, "Could not abort multipart upload {UploadId} of {Key}", uploadId, key);
        }
    }

    /// <summary>Copies inside the bucket on the server: one CopyObject up to 5 GiB, UploadPartCopy beyond (what S3 allows).</summary>
    public async Task CopyAsync(string source, string target, long length, CancellationToken cancellationToken)
    {
        if (length <= MaxSingleCopy)
        {
            await Client.CopyObjectAsync(
                new CopyObjectRequest { SourceBucket = Name, SourceKey = source, DestinationBucket = Name, DestinationKey = target },
                cancellationToken);
            return;
        }

        var uploadId = await StartMultipartAsync(target, cancellationToken);
        try
        {
            var parts = new List<(int, string)>();
            for (long first = 0, number = 1; first < length; first += CopyPartSize, number++)
            {
                var part = await Client.CopyPartAsync(
                    new CopyPartRequest
                    {
                        SourceBucket = Name,
                        SourceKey = source,
                        DestinationBucket = Name,
                        DestinationKey = target,
                        UploadId = uploadId,
                        PartNumber = (int)number,
                        FirstByte = first,
                        LastByte = Math.Min(first + CopyPartSize, length) - 1,
                    },
                    cancellationToken);
                parts.Add(((int)number, part.ETag));
            }

            await CompleteMultipartAsync(target, uploadId, parts, cancellationToken);
        }
        catch
        {
            await AbortMultipartQuietlyAsync(target, uploadId, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            throw;
        }
    }

    /// <summary>
    /// The bytes <paramref name="first"/> to <paramref name="last"/> (inclusive) of an object, positioned at
    /// <paramref name="first"/>: always an explicit range, and should a server answer with the whole object
    /// instead, the bytes before <paramref name="first"/> are skipped. The caller reads exactly the range's length.
    /// </summary>
    public async Task<GetObjectResponse> GetRangeAsync(string key, long first, long last, CancellationToken cancellationToken)
    {
        var response = await Client.GetObjectAsync(
            new GetObjectRequest { BucketName = Name, Key = key, ByteRange = new ByteRange(first, last) }, cancellationToken);
        try
        {
            if (first > 0 && response.HttpStatusCode == HttpStatusCode.OK)
            {
                await SkipAsync(response.ResponseStream, first, cancellationToken);
            }

            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Appends exactly <paramref name="count"/> bytes of an object, from <paramref name="first"/> on, to <paramref name="buffer"/>.</summary>
    public async Task ReadIntoAsync(string key, long first, long count, PartBuffer buffer, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return;
        }

        using var response = await GetRangeAsync(key, first, first + count - 1, cancellationToken);
        await buffer.FillExactlyAsync(response.ResponseStream, count, cancellationToken);
    }

    public async Task<bool> DeleteQuietlyAsync(string key, ILogger logger)
    {
        try
        {
            await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Name, Key = key }, CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException)
        {
            logger.LogWarning(e, "Could not delete object {Key}", key);
            return false;
        }
    }

    /// <summary>Deletes up to 1000 objects per request; returns how many it asked to delete.</summary>
    public async Task<int> DeleteManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        foreach (var batch in keys.Chunk(1000))
        {
            await Client.DeleteObjectsAsync(
                new DeleteObjectsRequest { BucketName = Name, Objects = [.. batch.Select(k => new KeyVersion { Key = k })], Quiet = true },
                cancellationToken);
        }

        return keys.Count;
    }

    /// <summary>Every key under <paramref name="prefix"/>, page by page.</summary>
    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = Name, Prefix = prefix };
        while (true)
        {
            var page = await Client.ListObjectsV2Async(request, cancellationToken);
            foreach (var item in page.S3Objects ?? [])
            {
                yield return item.Key;
            }

            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                yield break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <summary>Incomplete multipart uploads under <paramref name="prefix"/>; empty where the server cannot list them.</summary>
    public async Task<IReadOnlyList<(string Key, string UploadId)>> ListMultipartQuietlyAsync(string prefix, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var page = await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Name, Prefix = prefix }, cancellationToken);
            return [.. (page.MultipartUploads ?? []).Select(u => (u.Key, u.UploadId))];
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.NotImplemented or HttpStatusCode.MethodNotAllowed)
        {
            logger.LogDebug("The S3 server cannot list multipart uploads ({Status}); a lifecycle rule must abort abandoned ones", e.StatusCode);
            return [];
        }
    }

    /// <summary>A GET URL for <paramref name="key"/> that works for <paramref name="lifetime"/>, answering with the given headers.</summary>
    public Uri Presign(string key, TimeSpan lifetime, string contentDisposition, string contentType)
    {
        var request = new GetPreSignedUrlRequest
        {
            BucketName = Name,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow + lifetime,
            Protocol = _settings.ServiceUrl?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS,
        };
        request.ResponseHeaderOverrides.ContentDisposition = contentDisposition;
        request.ResponseHeaderOverrides.ContentType = contentType;
        request.ResponseHeaderOverrides.CacheControl = "private, no-cache";
        return new Uri(Client.GetPreSignedURL(request));
    }

    public void Dispose() => Client.Dispose();

    /// <summary>
    /// The SDK sends <c>x-amz-copy-source</c> with every '/' percent-encoded; S3 accepts that, but servers that
    /// split the header before decoding it (s3rver) look for a bucket named after the whole path. A literal
    /// '/' is the documented form and means the same to every server. Runs before the request is signed.
    /// </summary>
    private static void UnescapeCopySource(object sender, RequestEventArgs e)
    {
        if (e is WebServiceRequestEventArgs request && request.Headers.TryGetValue("x-amz-copy-source", out var source))
        {
            request.Headers["x-amz-copy-source"] = source.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }
    }

    private static async Task SkipAsync(Stream stream, long count, CancellationToken cancellationToken)
    {
        var scratch = new byte[64 * 1024];
        while (count > 0)
        {
            var read = await stream.ReadAsync(scratch.AsMemory(0, (int)Math.Min(scratch.Length, count)), cancellationToken);
            if (read == 0)
            {
                throw new IOException("The object is shorter than the range asked for.");
            }

            count -= read;
        }
    }
}
