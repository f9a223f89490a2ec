using System.Globalization;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace BlazorVault.Files;

/// <summary>What a download will answer; decided once, before anything is counted or sent.</summary>
public enum DownloadAnswer
{
    /// <summary>200 with every byte.</summary>
    Full,

    /// <summary>206 with the one range <see cref="DownloadPlan.From"/>–<see cref="DownloadPlan.To"/>.</summary>
    Partial,

    /// <summary>304: the client's copy (If-None-Match, If-Modified-Since) is current.</summary>
    NotModified,

    /// <summary>412: If-Match or If-Unmodified-Since does not hold.</summary>
    PreconditionFailed,

    /// <summary>416: a single byte range past the end of the file.</summary>
    RangeNotSatisfiable,
}

/// <summary>The answer to one download request, and whether it carries bytes (a HEAD never does).</summary>
public sealed record DownloadPlan(DownloadAnswer Answer, bool HeadersOnly, long From = 0, long To = -1)
{
    /// <summary>A body goes out: the whole file, or one range of it.</summary>
    public bool SendsBytes => !HeadersOnly && Answer is DownloadAnswer.Full or DownloadAnswer.Partial;

    /// <summary>The first byte alone (<c>Range: bytes=0-0</c>): how download managers ask whether ranges work.</summary>
    public bool IsProbe => Answer == DownloadAnswer.Partial && From == 0 && To == 0;
}

/// <summary>
/// The headers of a download request that decide its answer, read once. <see cref="PlanFor"/> is the one
/// rule for what a download answers (RFC 9110 sections 13 and 14, as ASP.NET applies them, except that
/// a Range in another unit than bytes or with several ranges is ignored rather than half-served), so
/// that a share link can count exactly what is served.
/// </summary>
public sealed record DownloadRequest(
    bool HeadersOnly = false,
    string? Range = null,
    string? IfRange = null,
    string? IfNoneMatch = null,
    string? IfMatch = null,
    string? IfModifiedSince = null,
    string? IfUnmodifiedSince = null)
{
    public static DownloadRequest From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = request.Headers;
        return new(
            HttpMethods.IsHead(request.Method),
            Joined(headers.Range),
            Joined(headers.IfRange),
            Joined(headers.IfNoneMatch),
            Joined(headers.IfMatch),
            Joined(headers.IfModifiedSince),
            Joined(headers.IfUnmodifiedSince));
    }

    /// <summary>The ETag of a file's bytes: its content address, the strongest validator there is.</summary>
    public static EntityTagHeaderValue ETagOf(FileItem file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new($"\"{file.Sha256}\"");
    }

    /// <summary>HTTP dates have whole seconds; Last-Modified is compared at that grain.</summary>
    public static DateTimeOffset LastModifiedOf(FileItem file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return file.CreatedAt.AddTicks(-(file.CreatedAt.UtcTicks % TimeSpan.TicksPerSecond));
    }

    public DownloadPlan PlanFor(FileItem file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var etag = ETagOf(file);
        var lastModified = LastModifiedOf(file);

        if (IfMatch is not null)
        {
            if (!Matches(IfMatch, etag, strong: true))
            {
                return new(DownloadAnswer.PreconditionFailed, HeadersOnly);
            }
        }
        else if (Date(IfUnmodifiedSince) is { } unmodifiedSince && lastModified > unmodifiedSince)
        {
            return new(DownloadAnswer.PreconditionFailed, HeadersOnly);
        }

        if (IfNoneMatch is not null)
        {
            if (Matches(IfNoneMatch, etag, strong: false))
            {
                return new(DownloadAnswer.NotModified, HeadersOnly);
            }
        }
        else if (Date(IfModifiedSince) is { } modifiedSince && lastModified <= modifiedSince)
        {
            return new(DownloadAnswer.NotModified, HeadersOnly);
        }

        var full = new DownloadPlan(DownloadAnswer.Full, HeadersOnly);
        if (Range is null || (IfRange is not null && !IfRangeHolds(etag, lastModified)))
        {
            return full;
        }

        // Only one range of bytes is answered with 206; anything else is ignored (RFC 9110 14.2 allows it)
        // and answered in full, which is what a share link then counts.
        if (!Range.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || Range.Contains(',', StringComparison.Ordinal)
            || !RangeHeaderValue.TryParse(Range, out var parsed) || parsed.Ranges.Count != 1)
        {
            return full;
        }

        var range = parsed.Ranges.Single();
        var size = file.Size;
        long from, to;
        if (range.From is { } start)
        {
            from = start;
            to = Math.Min(range.To ?? long.MaxValue, size - 1);
        }
        else
        {
            // bytes=-N: the last N bytes.
            from = size - Math.Min(range.To ?? 0, size);
            to = size - 1;
            if (range.To is 0)
            {
                from = size;
            }
        }

        return from >= size || to < from
            ? new(DownloadAnswer.RangeNotSatisfiable, HeadersOnly)
            : new(DownloadAnswer.Partial, HeadersOnly, from, to);
    }

    private bool IfRangeHolds(EntityTagHeaderValue etag, DateTimeOffset lastModified)
    {
        if (!RangeConditionHeaderValue.TryParse(IfRange, out var condition))
        {
            return false;
        }

        // A range is only spliced onto bytes known to be the same: a strong ETag, or the exact date.
        return condition.EntityTag is { } tag
            ? !tag.IsWeak && tag.Compare(etag, useStrongComparison: true)
            : condition.LastModified is { } date && lastModified <= date;
    }

    /// <summary>Whether a list of entity tags (If-None-Match, If-Match) names <paramref name="etag"/> or is <c>*</c>.</summary>
    internal static bool Matches(string header, EntityTagHeaderValue etag, bool strong) =>
        EntityTagHeaderValue.TryParseList([header], out var tags)
        && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, strong));

    private static DateTimeOffset? Date(string? header) =>
        header is not null && HeaderUtilities.TryParseDate(header, out var date) ? date : null;

    private static string? Joined(StringValues values) =>
        StringValues.IsNullOrEmpty(values) ? null : string.Join(",", values.ToArray());
}

/// <summary>How a plan is phrased as plain headers for ASP.NET's file results, which then do exactly that.</summary>
internal static class DownloadPlanHeaders
{
    public static void Apply(HttpRequest request, DownloadPlan plan)
    {
        var headers = request.Headers;
        headers.Remove(HeaderNames.IfMatch);
        headers.Remove(HeaderNames.IfNoneMatch);
        headers.Remove(HeaderNames.IfModifiedSince);
        headers.Remove(HeaderNames.IfUnmodifiedSince);
        headers.Remove(HeaderNames.IfRange);
        headers.Remove(HeaderNames.Range);
        if (plan.Answer == DownloadAnswer.Partial)
        {
            headers.Range = string.Create(CultureInfo.InvariantCulture, $"bytes={plan.From}-{plan.To}");
        }
    }
}
