namespace BlazorVault.Sharing;

/// <summary>
/// The browser family of a User-Agent for the access log: the sessions list's names (<see cref="Accounts.ClientDescription.BrowserName"/>)
/// without the system, bots as "Bot"; everything else is "Other".
/// Deliberately coarse: the log tells an owner what kind of client came, not which one.
/// </summary>
public static class BrowserFamily
{
    public const string Unknown = "Unknown";

    public const string Other = "Other";

    public static string Of(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return Unknown;
        }

        if (userAgent.Contains("bot", StringComparison.OrdinalIgnoreCase) || userAgent.Contains("spider", StringComparison.OrdinalIgnoreCase))
        {
            return "Bot";
        }

        return Accounts.ClientDescription.BrowserName(userAgent) ?? Other;
    }
}
