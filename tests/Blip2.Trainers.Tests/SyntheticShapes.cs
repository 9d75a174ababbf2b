using Blip2.Trainers.Data;
using Blip2.FineTune.Synthetic;
using static TorchSharp.torch;

namespace Blip2.Trainers.Tests;

/// <summary>
/// A synthetic captioning task: one filled square, disc or triangle of one of three colours, at a random place and size,
/// on a noisy grey background; the caption is "colour shape" as token ids of the tiny vocabulary.
/// </summary>
public static class SyntheticShapes
{
    /// <summary>Colour token ids (red, green, blue).</summary>
    public static readonly long[] ColourIds = [4, 5, 6];

    /// <summary>Shape token ids (square, disc, triangle).</summary>
    public static readonly long[] ShapeIds = [7, 8, 9];

    private static readonly float[][] Rgb = [[0.9f, 0.15f, 0.1f], [0.1f, 0.8f, 0.2f], [0.15f, 0.2f, 0.9f]];

    /// <summary>
    /// <paramref name="perCombination"/> examples of each of the 9 (colour, shape) pairs, in a seeded random order. The
    /// caller disposes the pixel tensors (<see cref="Dispose"/>).
    /// </summary>
    public static List<TrainingExample> Make(int perCombination, int seed)
    {
        var random = new Random(seed);
        var examples = new List<TrainingExample>();
        for (int colour = 0; colour < 3; colour++)
        for (int shape = 0; shape < 3; shape++)
        for (int i = 0; i < perCombination; i++)
            examples.Add(new TrainingExample(Draw(colour, shape, random), new TokenizedExample([], [ColourIds[colour], ShapeIds[shape]])));
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(examples));
        return examples;
    }

    /// <summary>Disposes the pixel tensors of <paramref name="examples"/>.</summary>
    public static void Dispose(IEnumerable<TrainingExample> examples)
    {
        foreach (var e in examples) e.PixelValues.Dispose();
    }

    /// <summary>A normalised <c>[3, S, S]</c> image (pixels mapped from [0, 1] to [−1, 1]).</summary>
    public static Tensor Draw(int colour, int shape, Random random)
    {
        int size = TinyBlip2.ImageSize;
        var pixels = new float[3 * size * size];
        // Sizes and positions on the 4-pixel patch grid: a shape's outline, not its offset within patches, tells it apart.
        int extent = 4 * random.Next(3, 6);
        int left = 4 * random.Next(0, (size - extent) / 4 + 1), top = 4 * random.Next(0, (size - extent) / 4 + 1);
        float jitter = (float)(random.NextDouble() * 0.1 - 0.05);
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
        {
            bool inside = ShapeImages.Inside(shape, (x - left + 0.5) / extent, (y - top + 0.5) / extent);
            for (int c = 0; c < 3; c++)
            {
                float background = 0.5f + (float)(random.NextDouble() * 0.1 - 0.05);
                float value = inside ? Rgb[colour][c] + jitter : background;
                pixels[(c * size + y) * size + x] = value * 2 - 1;
            }
        }
        return tensor(pixels, [3, size, size]);
    }
}
