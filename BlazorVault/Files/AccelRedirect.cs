using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BlazorVault.Files;

/// <summary>
/// Behind nginx (<c>Vault:Downloads:AccelRedirect</c> names an <c>internal</c> location over the blob
/// directory), a download whose every check and count is done is answered with its headers and
/// <c>X-Accel-Redirect</c>, and nginx sends the bytes itself with sendfile. Only where nginx would send
/// exactly what the app decided: the whole file for a request without <c>Range</c>, or the one range asked
/// for without <c>If-Range</c> (nginx would judge that against its own validators); anything else is sent
/// by the app. nginx drops the app's own headers on such an answer unless its location adds them back
/// (README, "Running behind nginx").
/// </summary>
public static class AccelRedirect
{
    public const string HeaderName = "X-Accel-Redirect";

    /// <summary>The internal URI nginx should send for this answer; null when the app sends the bytes itself.</summary>
    public static string? PathFor(HttpContext context, FileContent content, DownloadPlan plan)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(plan);
        // A blob that is missing is the app's 404 to answer, not nginx's HTML page (looked up last: a file system call).
        if (context.RequestServices.GetRequiredService<IOptions<VaultOptions>>().Value.Downloads.AccelRedirect is not { Length: > 0 } location
            || !plan.SendsBytes
            || content.BlobRelativePath is not { } relative
            || content.PhysicalPath is not { } physical
            || !File.Exists(physical))
        {
            return null;
        }

        var request = context.Request.Headers;
        var sameAsNginx = plan.Answer == DownloadAnswer.Full
            ? request.Range.Count == 0
            : request.Range.Count == 1 && !request.Range[0]!.Contains(',', StringComparison.Ordinal) && request.IfRange.Count == 0;
        return sameAsNginx ? location.TrimEnd('/') + "/" + relative : null;
    }

    /// <summary>Answers with the headers a download carries and the redirect; nginx adds the body.</summary>
    public static void Answer(HttpContext context, string path, string contentType, EntityTagHeaderValue etag, DateTimeOffset lastModified)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        response.ContentType = contentType;
        response.Headers.ETag = etag?.ToString();
        response.Headers.LastModified = HeaderUtilities.FormatDate(lastModified);
        response.Headers[HeaderName] = path;
        response.ContentLength = 0;
    }
}
