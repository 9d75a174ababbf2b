using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing.Images;

/// <summary>Exact pixel comparison with a useful failure message (count and first differing pixel).</summary>
internal static class PixelAssert
{
    public static void Equal(ReadOnlySpan<byte> expected, DecodedImage actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Pixels.Length, $"{what}: byte count ({actual})");
        ReadOnlySpan<byte> pixels = actual.Pixels.Span;
        int differing = 0;
        int first = -1;
        int maxDifference = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] != pixels[i])
            {
                differing++;
                maxDifference = Math.Max(maxDifference, Math.Abs(expected[i] - pixels[i]));
                if (first < 0)
                {
                    first = i;
                }
            }
        }

        if (differing > 0)
        {
            int pixel = first / actual.Channels;
            Assert.Fail(
                $"{what}: {differing} of {expected.Length} bytes differ (max |diff| {maxDifference}); first at " +
                $"x={pixel % actual.Width}, y={pixel / actual.Width}, channel {first % actual.Channels}: " +
                $"expected {expected[first]}, got {pixels[first]}.");
        }
    }

    /// <summary>A golden uint8 array as an image: [H, W] → L, [H, W, 3] → RGB, [H, W, 4] → RGBA, [H, W, 2] → LA.</summary>
    public static DecodedImage ImageFromArray(byte[] pixels, long[] shape)
    {
        ImageMode mode = shape.Length == 2 ? ImageMode.L : shape[2] switch
        {
            2 => ImageMode.LA,
            3 => ImageMode.Rgb,
            4 => ImageMode.Rgba,
            _ => throw new ArgumentException($"No image mode for shape [{string.Join(", ", shape)}]."),
        };
        return new DecodedImage((int)shape[1], (int)shape[0], mode, pixels);
    }
}
