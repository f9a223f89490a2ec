using System.Net;
using BlazorVault.Sharing;

namespace BlazorVault.Tests.Sharing;

public sealed class AccessLogHelpersTests
{
    [Theory]
    [InlineData("203.0.113.77", "203.0.113.0/24")]
    [InlineData("10.1.2.255", "10.1.2.0/24")]
    [InlineData("::ffff:198.51.100.9", "198.51.100.0/24")]
    [InlineData("2001:db8:abcd:12:34:56:78:9a", "2001:db8:abcd::/48")]
    [InlineData("::1", "::/48")]
    public void Network_CutsTheAddressToItsNetwork(string address, string network) =>
        Assert.Equal(network, BlazorVault.Accounts.ClientDescription.Network(IPAddress.Parse(address)));

    [Fact]
    public void Network_OfNoAddress_IsNull() => Assert.Null(BlazorVault.Accounts.ClientDescription.Network(null));

    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0", "Opera")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "Chrome")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1", "Chrome")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15", "Safari")]
    [InlineData("Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", "Firefox")]
    [InlineData("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36", "Samsung Internet")]
    [InlineData("curl/8.11.0", "curl")]
    [InlineData("Wget/1.24.5", "Wget")]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Bot")]
    [InlineData("SomethingElse/1.0", "Other")]
    [InlineData("", "Unknown")]
    [InlineData(null, "Unknown")]
    public void BrowserFamily_NamesTheFamily(string? userAgent, string family) => Assert.Equal(family, BrowserFamily.Of(userAgent));
}
