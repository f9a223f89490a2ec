using System.Globalization;
using System.Reflection;
using System.Text;
using BlazorVault.Storage;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace BlazorVault.Files;

/// <summary>
/// The one way a stored file leaves the app (owner downloads by cookie or token, later share links):
/// streamed from the blob store with ranges, an ETag and headers that keep browsers from rendering it.
/// </summary>
public static class FileDownload
{
    /// <summary>
    /// Uploaded HTML, SVG or XML served from our origin could run script with the user's session:
    /// attachment + nosniff + a sandboxing CSP make sure a browser only ever saves it.
    /// </summary>
    public const string ContentSecurityPolicy = "default-src 'none'; sandbox";

    /// <summary>
    /// For a file shown in the browser (<see cref="Viewing.InlineTypes"/> chose its type): still sandboxed (an
    /// opaque origin, no script), it may show itself as an image, media or text document (whose styles the
    /// browser writes inline), and the app's own viewer may frame it.
    /// </summary>
    public const string InlineContentSecurityPolicy = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'";

    public static FileDownloadResult Create(FileContent content) => new(content);

    /// <summary>Sends what <paramref name="plan"/> decided (a share link decides before it counts).</summary>
    public static FileDownloadResult Create(FileContent content, DownloadPlan plan) => new(content, plan);

    /// <summary>Shows the file in the browser as <paramref name="inlineType"/>, a type from <see cref="Viewing.InlineTypes"/>'s allow-list.</summary>
    public static FileDownloadResult Inline(FileContent content, string inlineType, DownloadPlan? plan = null) => new(content, plan, inlineType);

    /// <summary>
    /// <c>attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded</c> (RFC 6266, RFC 5987):
    /// current browsers use the exact name from <c>filename*</c>, old clients get a safe ASCII approximation.
    /// </summary>
    public static string ContentDisposition(string fileName, bool inline = false)
    {
        var fallback = new StringBuilder(fileName.Length);
        foreach (var c in fileName)
        {
            // Quotes and backslashes would need quoted-pair escaping that some clients get wrong.
            fallback.Append(c is >= ' ' and <= '~' and not '"' and not '\\' and not '%' ? c : '_');
        }

        // EscapeDataString leaves only RFC 3986 unreserved characters, all of which are RFC 5987 attr-chars.
        return $"{(inline ? "inline" : "attachment")}; filename=\"{fallback}\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}";
    }
}

/// <summary>Sends a <see cref="FileContent"/>; see <see cref="FileDownload"/>.</summary>
public sealed class FileDownloadResult(FileContent content, DownloadPlan? plan = null, string? inlineType = null) : IResult, IEndpointMetadataProvider
{
    public FileContent Content { get; } = content;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var file = Content.File;
        var decided = plan ?? DownloadRequest.From(httpContext.Request).PlanFor(file);

        var headers = httpContext.Response.Headers;
        headers.ContentDisposition = FileDownload.ContentDisposition(file.Name, inline: inlineType is not null);
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = inlineType is null ? FileDownload.ContentSecurityPolicy : FileDownload.InlineContentSecurityPolicy;
        // Shown inline, the type is the app's choice from its allow-list, never the uploader's claim.
        var contentType = inlineType ?? file.ContentType;
        // Only the signed-in owner (or a link holder) may see it: no shared caches; revalidation is cheap with the ETag.
        headers.CacheControl = "private, no-cache";

        var etag = DownloadRequest.ETagOf(file);
        var lastModified = DownloadRequest.LastModifiedOf(file);
        switch (decided.Answer)
        {
            case DownloadAnswer.NotModified:
                headers.Remove(HeaderNames.ContentDisposition);
                headers.ETag = etag.ToString();
                headers.LastModified = HeaderUtilities.FormatDate(lastModified);
                httpContext.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            case DownloadAnswer.PreconditionFailed:
                headers.Remove(HeaderNames.ContentDisposition);
                httpContext.Response.StatusCode = StatusCodes.Status412PreconditionFailed;
                return;
            case DownloadAnswer.RangeNotSatisfiable:
                headers.Remove(HeaderNames.ContentDisposition);
                headers.ContentRange = $"bytes */{file.Size.ToString(CultureInfo.InvariantCulture)}";
                httpContext.Response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                return;
        }

        if (AccelRedirect.PathFor(httpContext, Content, decided) is { } internalPath)
        {
            // Every check (and a link's count) is done: nginx sends the bytes, with the headers set so far.
            AccelRedirect.Answer(httpContext, internalPath, contentType, etag, lastModified);
            return;
        }

        // ASP.NET's file results then do exactly what was decided: the whole file, or the one range.
        DownloadPlanHeaders.Apply(httpContext.Request, decided);
        IResult inner;
        // A bucket's presigned answer would carry the uploader's type and an attachment: views go through the app.
        if (decided.SendsBytes && inlineType is null && Content.RedirectUrl() is { } url)
        {
            // Access was checked (and a link's download counted) before this: the store sends the bytes itself.
            headers.Remove(HeaderNames.ContentDisposition);
            headers.CacheControl = "no-store";
            inner = TypedResults.Redirect(url.AbsoluteUri);
        }
        else if (Content.PhysicalPath is { } path && await TrySendPhysicalFileAsync(httpContext, path, contentType, lastModified, etag))
        {
            return;
        }
        else if (await Content.OpenReadAsync(httpContext.RequestAborted) is { } stream)
        {
            if (stream is IBoundedRead bounded && decided.Answer == DownloadAnswer.Partial)
            {
                // A store that fetches on demand asks for exactly the range that is sent, not the rest of the blob.
                bounded.StopAt(decided.To + 1);
            }

            inner = TypedResults.Stream(stream, contentType, lastModified: lastModified, entityTag: etag, enableRangeProcessing: true);
        }
        else
        {
            httpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FileDownload))
                .LogError("File {FileId} has no blob {Sha256}", file.Id, file.Sha256);
            headers.Remove(HeaderNames.ContentDisposition);
            inner = TypedResults.NotFound();
        }

        await inner.ExecuteAsync(httpContext);
    }

    /// <summary>
    /// Kestrel sends a physical file with sendfile, without copying it through our buffers. The result looks the file up
    /// itself before it writes anything; false, with nothing sent, when the blob's file is not there (no lookup of our own first).
    /// </summary>
    private static async Task<bool> TrySendPhysicalFileAsync(HttpContext httpContext, string path, string contentType, DateTimeOffset lastModified, EntityTagHeaderValue etag)
    {
        try
        {
            await TypedResults.PhysicalFile(path, contentType, lastModified: lastModified, entityTag: etag, enableRangeProcessing: true).ExecuteAsync(httpContext);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && !httpContext.Response.HasStarted)
        {
            // Not there at the lookup (nothing set yet), or gone between the lookup and the open: none of the file's answer stays.
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentLength = null;
            response.ContentType = null;
            foreach (var header in (string[])[HeaderNames.ETag, HeaderNames.LastModified, HeaderNames.AcceptRanges, HeaderNames.ContentRange])
            {
                response.Headers.Remove(header);
            }

            return false;
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(Stream), ["application/octet-stream"]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status206PartialContent, typeof(Stream), ["application/octet-stream"]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified, typeof(void)));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status416RangeNotSatisfiable, typeof(void)));
    }
}
