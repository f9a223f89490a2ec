using System.Globalization;

namespace BlazorVault.Admin.Pages;

/// <summary>How the admin area writes times: UTC, to the minute (admins compare them with server logs).</summary>
internal static class AdminTime
{
    public static string Of(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("d MMM yyyy, HH:mm", CultureInfo.InvariantCulture) + " UTC" : "never";
}
