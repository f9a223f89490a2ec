using System.Net.Http.Headers;
using System.Text;

namespace BlazorVault.Tests.Files.Uploads;

/// <summary>Raw tus 1.0 requests, header by header, so that tests see exactly what a client sends.</summary>
public static class TusTestClient
{
    public const string Version = "1.0.0";
    public const string OffsetContentType = "application/offset+octet-stream";

    public static HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content = null, string? antiforgery = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("Tus-Resumable", Version);
        if (antiforgery is not null)
        {
            request.Headers.Add("RequestVerificationToken", antiforgery);
        }

        return request;
    }

    public static Task<HttpResponseMessage> CreateRawAsync(this HttpClient client, long length, string? name = "file.bin", string? type = null, string? antiforgery = null)
    {
        var request = Request(HttpMethod.Post, "api/uploads", antiforgery: antiforgery);
        request.Headers.Add("Upload-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var metadata = new List<string>();
        if (name is not null)
        {
            metadata.Add("filename " + Convert.ToBase64String(Encoding.UTF8.GetBytes(name)));
        }

        if (type is not null)
        {
            metadata.Add("filetype " + Convert.ToBase64String(Encoding.UTF8.GetBytes(type)));
        }

        if (metadata.Count > 0)
        {
            request.Headers.Add("Upload-Metadata", string.Join(',', metadata));
        }

        return client.SendAsync(request);
    }

    /// <summary>Creates an upload and returns its path (the Location).</summary>
    public static async Task<string> CreateUploadAsync(this HttpClient client, long length, string name = "file.bin", string? type = null)
    {
        using var response = await client.CreateRawAsync(length, name, type);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    public static Task<HttpResponseMessage> PatchAsync(
        this HttpClient client, string path, long offset, HttpContent content, string? checksum = null, string? antiforgery = null,
        string contentType = OffsetContentType, CancellationToken cancellationToken = default)
    {
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = Request(HttpMethod.Patch, path, content, antiforgery);
        request.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (checksum is not null)
        {
            request.Headers.Add("Upload-Checksum", checksum);
        }

        return client.SendAsync(request, cancellationToken);
    }

    public static Task<HttpResponseMessage> PatchAsync(this HttpClient client, string path, long offset, byte[] bytes, string? checksum = null) =>
        client.PatchAsync(path, offset, new ByteArrayContent(bytes), checksum);

    public static Task<HttpResponseMessage> HeadAsync(this HttpClient client, string path) =>
        client.SendAsync(Request(HttpMethod.Head, path));

    /// <summary>The upload's offset from HEAD; null when HEAD answers 404.</summary>
    public static async Task<long?> OffsetAsync(this HttpClient client, string path)
    {
        using var response = await client.HeadAsync(path);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return long.Parse(Header(response, "Upload-Offset"), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static Task<HttpResponseMessage> TerminateAsync(this HttpClient client, string path, string? antiforgery = null) =>
        client.SendAsync(Request(HttpMethod.Delete, path, antiforgery: antiforgery));

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(",", contentValues)
        : throw new Xunit.Sdk.XunitException($"No {name} header in the {(int)response.StatusCode} response.");

    public static bool HasHeader(HttpResponseMessage response, string name) =>
        response.Headers.Contains(name) || response.Content.Headers.Contains(name);
}
