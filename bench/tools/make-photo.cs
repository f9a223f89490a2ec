#:package NetVips
#:package NetVips.Native.linux-x64
// Writes a photo-like JPEG for the thumbnail bench: make-photo.cs <out.jpg> <width> <height>.
// Noise over a gradient, so that it compresses like a photograph (several MB at 24 megapixels), not like a flat colour.
using NetVips;

var (path, width, height) = (args[0], int.Parse(args[1]), int.Parse(args[2]));
using var noise = Image.Gaussnoise(width, height, mean: 128, sigma: 12);
using var gradient = Image.Xyz(width, height)[0] * (255.0 / width);
using var red = (noise * 0.6 + gradient * 0.4).Cast(Enums.BandFormat.Uchar);
using var green = (noise * 0.5 + 60).Cast(Enums.BandFormat.Uchar);
using var blue = (gradient * 0.7 + 40).Cast(Enums.BandFormat.Uchar);
using var photo = red.Bandjoin(green, blue).Copy(interpretation: Enums.Interpretation.Srgb);
photo.Jpegsave(path, q: 90);
Console.WriteLine($"{path}: {width} x {height}, {new FileInfo(path).Length} bytes");
