using System.Threading.RateLimiting;

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
}
