namespace BlazorVault.Sharing;

/// <summary>
/// The browser family of a User-Agent for the access log: a few well-known names, checked in the order that
/// tells them apart (Edge and Opera say "Chrome" too, Chrome says "Safari"); everything else is "Other".
/// Deliberately coarse: the log tells an owner what kind of client came, not which one.
/// </summary>
public static class BrowserFamily
{
    public const string Unknown = "Unknown";

    public const string Other = "Other";

    private static readonly (string Token, string Family)[] Families =
    [
        ("Edg/", "Edge"),
        ("EdgA/", "Edge"),
        ("EdgiOS/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
        ("Wget/", "Wget"),
    ];

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

        foreach (var (token, family) in Families)
        {
            if (userAgent.Contains(token, StringComparison.Ordinal))
            {
                return family;
            }
        }

        return Other;
    }
}
