using NetVips;

namespace BlazorVault.Tests.Files.Thumbnails;

/// <summary>Real image files made with libvips for the thumbnail tests.</summary>
internal static class TestImages
{
    /// <summary>A landscape JPEG whose EXIF says "turn 90° clockwise" (orientation 6): shown upright, it is portrait.</summary>
    public static byte[] SidewaysJpeg(int width = 600, int height = 400)
    {
        using var image = Image.Black(width, height, bands: 3) + new double[] { 200, 30, 30 };
        using var oriented = image.Mutate(m => m.Set(GValue.GIntType, "orientation", 6));
        return oriented.JpegsaveBuffer(q: 90);
    }

    public static byte[] Png(int width, int height)
    {
        using var image = Image.Black(width, height, bands: 3) + new double[] { 20, 120, 220 };
        return image.PngsaveBuffer();
    }

    public static (int Width, int Height, string[] Fields) Read(byte[] webp)
    {
        using var image = Image.NewFromBuffer(webp);
        return (image.Width, image.Height, image.GetFields());
    }
}
