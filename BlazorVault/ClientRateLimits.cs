using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace BlazorVault;

/// <summary>The one shape of rate limit the app uses: a fixed one-minute window per client address.</summary>
public static class ClientRateLimits
{
    public static RateLimitPartition<string> PerMinute(HttpContext context, int permits)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
    }

    /// <summary>How every limit refuses: 429 with <c>Retry-After</c>; problem+json for API clients.</summary>
    public static void AnswerRefusals(RateLimiterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = async (rejected, cancellationToken) =>
        {
            var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
            var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
            var context = rejected.HttpContext;
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            if (HttpErrors.IsApi(context))
            {
                await HttpErrors.WriteProblemAsync(
                    context,
                    StatusCodes.Status429TooManyRequests,
                    string.Create(CultureInfo.InvariantCulture, $"Too many requests from this address; try again in {seconds} seconds."));
            }
        };
    }
}
