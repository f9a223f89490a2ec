using QRCoder;

namespace BlazorVault.Sharing;

/// <summary>A link's URL as a QR code: SVG (QRCoder), as a data: URI an img can show under the app's CSP (img-src 'self' data:).</summary>
public static class LinkQrCode
{
    public static string Svg(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        // Dark on white with the quiet zone: phone cameras read it on any page background.
        return new SvgQRCode(data).GetGraphic(8, "#000000", "#ffffff", true, SvgQRCode.SizingMode.ViewBoxAttribute);
    }

    public static string DataUri(string url) => "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Svg(url)));
}
