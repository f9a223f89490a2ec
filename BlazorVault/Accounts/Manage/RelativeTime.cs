using System.Globalization;

namespace BlazorVault.Accounts.Manage;

/// <summary>"just now", "5 minutes ago", "yesterday": the server knows no viewer's time zone, and an age needs none.</summary>
public static class RelativeTime
{
    public static string Describe(DateTimeOffset then, DateTimeOffset now)
    {
        var age = now - then;
        return age switch
        {
            _ when age < TimeSpan.FromMinutes(1) => "just now",
            _ when age < TimeSpan.FromHours(1) => Plural((int)age.TotalMinutes, "minute") + " ago",
            _ when age < TimeSpan.FromDays(1) => Plural((int)age.TotalHours, "hour") + " ago",
            _ when age < TimeSpan.FromDays(2) => "yesterday",
            _ when age < TimeSpan.FromDays(60) => Plural((int)age.TotalDays, "day") + " ago",
            _ => "on " + Date(then),
        };
    }

    /// <summary>A day in the viewer's culture's format ("29 Nov 2026" in en-GB), as UTC.</summary>
    public static string Date(DateTimeOffset time) => time.UtcDateTime.ToString("d MMM yyyy", CultureInfo.CurrentCulture);

    /// <summary>For a <c>title</c>: the exact time, in UTC.</summary>
    public static string Exact(DateTimeOffset time) => time.UtcDateTime.ToString("d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static string Plural(int count, string unit) => count == 1 ? $"1 {unit}" : $"{count} {unit}s";
}
