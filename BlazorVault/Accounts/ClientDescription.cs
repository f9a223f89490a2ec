using System.Net;
using System.Net.Sockets;

namespace BlazorVault.Accounts;

/// <summary>
/// What a session list may show about where a session came from: the browser family and operating system
/// (not the full User-Agent, which fingerprints), and the client's network (/24 of IPv4, /48 of IPv6),
/// not its address.
/// </summary>
public static class ClientDescription
{
    public const int MaxLength = 64;

    // Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari", Android says "Linux".
    private static readonly (string Token, string Name)[] Browsers =
    [
        ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
        ("Vivaldi/", "Vivaldi"), ("FxiOS/", "Firefox"), ("Firefox/", "Firefox"), ("CriOS/", "Chrome"), ("HeadlessChrome/", "Chrome"),
        ("Chromium/", "Chromium"), ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl"), ("Wget/", "Wget"),
        ("python-requests/", "Python"), ("rclone/", "rclone"),
    ];

    private static readonly (string Token, string Name)[] Systems =
    [
        ("Windows", "Windows"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Android", "Android"), ("CrOS", "ChromeOS"),
        ("Macintosh", "macOS"), ("Mac OS X", "macOS"), ("Linux", "Linux"), ("FreeBSD", "FreeBSD"),
    ];

    /// <summary>"Firefox on Windows", "Safari on iOS", "curl"; "Unknown browser" when nothing is recognised.</summary>
    public static string Browser(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "Unknown browser";
        }

        var browser = BrowserName(userAgent);
        var system = Systems.FirstOrDefault(s => userAgent.Contains(s.Token, StringComparison.Ordinal)).Name;
        return (browser, system) switch
        {
            (null, null) => "Unknown browser",
            (null, { } os) => $"A browser on {os}",
            ({ } name, null) => name,
            ({ } name, { } os) => $"{name} on {os}",
        };
    }

    /// <summary>The browser (or tool) a User-Agent names, without its system; null when none is recognised.</summary>
    public static string? BrowserName(string? userAgent) =>
        string.IsNullOrWhiteSpace(userAgent)
            ? null
            : Browsers.FirstOrDefault(b => userAgent.Contains(b.Token, StringComparison.OrdinalIgnoreCase)).Name;

    /// <summary>"203.0.113.0/24", "2001:db8:1::/48"; null when the address is unknown.</summary>
    public static string? Network(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[3] = 0;
            return $"{new IPAddress(bytes)}/24";
        }

        Array.Clear(bytes, 6, bytes.Length - 6);
        return $"{new IPAddress(bytes)}/48";
    }
}
