using NetVips;

namespace BlazorVault.Files.Thumbnails;

/// <summary>Why no thumbnail can be made of some content; the file shows its icon instead.</summary>
public sealed class ThumbnailRefusedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Makes the two WebP thumbnails of an image with libvips (NetVips): the loader is chosen from the
/// content's own bytes and must be one of the raster formats below (never SVG, PDF or anything that
/// can reach out), the header's pixel count is checked before any decoding, the image is shrunk while
/// it loads (JPEG and WebP decode at 1/2, 1/4 or 1/8 directly), turned by its EXIF orientation, and
/// saved without any metadata. Evaluation is killed after the time limit.
/// </summary>
public static class ThumbnailMaker
{
    public const int ListBox = 128;

    public const int GridBox = 480;

    private const int Quality = 80;

    // libvips loader names (VipsForeignLoad…Source) this app lets near uploaded bytes.
    private static readonly HashSet<string> AllowedLoaders = new(StringComparer.Ordinal)
    {
        "VipsForeignLoadJpegSource", "VipsForeignLoadPngSource", "VipsForeignLoadSpngSource",
        "VipsForeignLoadGifSource", "VipsForeignLoadNsgifSource", "VipsForeignLoadWebpSource",
        "VipsForeignLoadHeifSource", "VipsForeignLoadTiffSource",
    };

    private static readonly HashSet<string> ImageTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "image/jpeg", "image/pjpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/heic", "image/heif", "image/tiff",
    };

    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp", ".avif", ".heic", ".heif", ".tif", ".tiff",
    };

    private static readonly Lock Setup = new();

    private static bool _configured;

    /// <summary>Whether a file may have a thumbnail, by what it claims to be; its bytes decide in the end.</summary>
    public static bool MayHaveThumbnail(string name, string contentType) =>
        ImageTypes.Contains(contentType.Split(';')[0].Trim()) || ImageExtensions.Contains(Path.GetExtension(name));

    /// <summary>Process-wide libvips settings: no operation cache (it would hold decoded images), few threads.</summary>
    public static void Configure(int threads)
    {
        lock (Setup)
        {
            if (_configured)
            {
                return;
            }

            Cache.Max = 0;
            Cache.MaxMem = 0;
            Cache.MaxFiles = 0;
            NetVips.NetVips.Concurrency = Math.Max(1, threads);
            _configured = true;
        }
    }

    /// <summary>
    /// The list and grid thumbnails of the content <paramref name="open"/> gives (called once per pass: once
    /// for the header, once for the pixels). Throws <see cref="ThumbnailRefusedException"/> for content that
    /// gets an icon.
    /// </summary>
    public static async Task<(byte[] List, byte[] Grid)> MakeAsync(
        Func<CancellationToken, Task<Stream>> open, ThumbnailOptions options, CancellationToken cancellationToken)
    {
        Configure(options.Threads);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.TimeLimit);
        try
        {
            await using (var header = await open(deadline.Token))
            {
                await Task.Run(() => CheckHeader(header, options), deadline.Token);
            }

            await using var source = await open(deadline.Token);
            return await Task.Run(() => Render(source, deadline.Token), deadline.Token);
        }
        catch (Exception e) when (e is VipsException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ThumbnailRefusedException(
                deadline.IsCancellationRequested ? $"Stopped after the time limit of {options.TimeLimit}." : $"libvips could not read it: {FirstLine(e.Message)}", e);
        }
    }

    private static void CheckHeader(Stream content, ThumbnailOptions options)
    {
        var loader = Image.FindLoadStream(content);
        if (loader is null || !AllowedLoaders.Contains(loader))
        {
            throw new ThumbnailRefusedException(loader is null ? "Not an image libvips knows." : $"Not a format the app thumbnails ({loader}).");
        }

        content.Position = 0;
        using var image = Image.NewFromStream(content, access: Enums.Access.Sequential);
        var pixels = (long)image.Width * image.Height;
        if (pixels > options.MaxPixels)
        {
            throw new ThumbnailRefusedException($"{image.Width} × {image.Height} pixels is over the limit of {options.MaxPixels}.");
        }
    }

    private static (byte[] List, byte[] Grid) Render(Stream content, CancellationToken cancellationToken)
    {
        // Shrink-on-load; EXIF orientation applied (noRotate: false); never enlarged.
        using var grid = Image.ThumbnailStream(content, GridBox, height: GridBox, size: Enums.Size.Down);
        grid.SetProgress(new Progress<int>(), cancellationToken);
        using var decoded = grid.CopyMemory();
        var gridBytes = decoded.WebpsaveBuffer(q: Quality, keep: Enums.ForeignKeep.None);
        using var list = decoded.ThumbnailImage(ListBox, height: ListBox, size: Enums.Size.Down);
        var listBytes = list.WebpsaveBuffer(q: Quality, keep: Enums.ForeignKeep.None);
        cancellationToken.ThrowIfCancellationRequested();
        return (listBytes, gridBytes);
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
