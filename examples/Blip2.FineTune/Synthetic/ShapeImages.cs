using Microsoft.ML.Data;

namespace Blip2.FineTune.Synthetic;

/// <summary>
/// A synthetic captioning task written as PNG files: one filled square, disc or triangle of one of three colours at a
/// random place and size on a noisy grey background, captioned "colour shape" (9 equally likely captions).
/// </summary>
internal static class ShapeImages
{
    /// <summary>The caption words, colours first.</summary>
    public static readonly string[] Colours = ["red", "green", "blue"];

    /// <summary>The shape words.</summary>
    public static readonly string[] Shapes = ["square", "disc", "triangle"];

    private static readonly byte[][] Rgb = [[230, 38, 26], [26, 204, 51], [38, 51, 230]];

    /// <summary>
    /// Writes <paramref name="perCombination"/> images of each (colour, shape) pair into <paramref name="folder"/>, in a
    /// seeded random order, and returns (file path, caption) pairs.
    /// </summary>
    public static List<(string Path, string Caption)> Write(string folder, int perCombination, int seed, int size)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        var items = new List<(int Colour, int Shape)>();
        for (int colour = 0; colour < 3; colour++)
        for (int shape = 0; shape < 3; shape++)
        for (int i = 0; i < perCombination; i++)
            items.Add((colour, shape));
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(items));

        var written = new List<(string, string)>();
        for (int i = 0; i < items.Count; i++)
        {
            var (colour, shape) = items[i];
            string path = System.IO.Path.Combine(folder, $"{seed}-{i:D4}.png");
            using (var image = MLImage.CreateFromPixels(size, size, MLPixelFormat.Rgba32, Draw(colour, shape, random, size)))
                image.Save(path);
            written.Add((path, $"{Colours[colour]} {Shapes[shape]}"));
        }

        return written;
    }

    private static byte[] Draw(int colour, int shape, Random random, int size)
    {
        var rgba = new byte[size * size * 4];
        // Sizes and positions on a 4-pixel grid (the tiny ViT's patches): the outline, not the offset, tells shapes apart.
        int extent = 4 * random.Next(3, 6);
        int left = 4 * random.Next(0, (size - extent) / 4 + 1), top = 4 * random.Next(0, (size - extent) / 4 + 1);
        int jitter = random.Next(-6, 7);
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
        {
            bool inside = Inside(shape, (x - left + 0.5) / extent, (y - top + 0.5) / extent);
            int offset = (y * size + x) * 4;
            for (int c = 0; c < 3; c++)
                rgba[offset + c] = (byte)Math.Clamp(inside ? Rgb[colour][c] + jitter : 128 + random.Next(-6, 7), 0, 255);
            rgba[offset + 3] = 255;
        }

        return rgba;
    }

    /// <summary>Whether (u, v) in [0, 1)² of the shape's bounding box is inside shape 0 (square), 1 (disc) or 2 (triangle).</summary>
    internal static bool Inside(int shape, double u, double v)
    {
        if (u < 0 || u >= 1 || v < 0 || v >= 1) return false;
        return shape switch
        {
            0 => true,
            1 => (u - 0.5) * (u - 0.5) + (v - 0.5) * (v - 0.5) <= 0.25,
            _ => Math.Abs(u - 0.5) <= v / 2, // apex at the top, base at the bottom
        };
    }
}
