using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;

namespace BlazorVault.Tests.Storage;

/// <summary>
/// A <see cref="FilesTestBed"/> whose store is a bucket of its own on the test S3 server, and a client
/// that looks at that bucket from outside the app: what is stored is read back and hashed, never taken
/// from a status code.
/// </summary>
public sealed class S3StoreTestBed : IAsyncDisposable
{
    private S3StoreTestBed(FilesTestBed bed, IAmazonS3 client, string bucket)
    {
        Bed = bed;
        Client = client;
        Bucket = bucket;
    }

    public FilesTestBed Bed { get; }

    public IAmazonS3 Client { get; }

    public string Bucket { get; }

    public static async Task<S3StoreTestBed> CreateAsync(S3Server s3, string purpose, long maxUploadBytes = 64L * 1024 * 1024)
    {
        ArgumentNullException.ThrowIfNull(s3);
        var settings = await s3.NewBucketSettingsAsync(purpose);
        var bed = await FilesTestBed.CreateAsync(maxUploadBytes, quotaBytes: 1024L * 1024 * 1024, settings: settings);
        return new S3StoreTestBed(bed, await s3.CreateClientAsync(), settings["Vault:Storage:S3:Bucket"]!);
    }

    public async Task<List<string>> KeysAsync(string prefix = "")
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await Client.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        return keys;
    }

    /// <summary>The SHA-256 and length of what the bucket holds under <paramref name="key"/>, read in full.</summary>
    public async Task<(string Sha256, long Length)> StoredAsync(string key)
    {
        using var response = await Client.GetObjectAsync(Bucket, key);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1024 * 1024];
        long length = 0;
        int read;
        while ((read = await response.ResponseStream.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Bed.DisposeAsync();
    }
}

/// <summary>Bytes <c>from</c> to <c>to</c> of <see cref="GeneratedStream"/>'s content, so that pieces of one upload can be sent separately.</summary>
internal static class GeneratedSlice
{
    public static MemoryStream Of(long from, long to) =>
        new([.. Enumerable.Range(0, checked((int)(to - from))).Select(i => GeneratedStream.ByteAt(from + i))]);
}
