using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>Copies an ML.NET <see cref="MLImage"/> (premultiplied BGRA or RGBA) into a straight RGB image.</summary>
internal static class MLImagePixels
{
    public static DecodedImage ToRgb(MLImage image, string inputName)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(inputName);
        (int red, int blue) = image.PixelFormat switch
        {
            MLPixelFormat.Bgra32 => (2, 0),
            MLPixelFormat.Rgba32 => (0, 2),
            _ => throw new ImageDecodingException(
                inputName, $"MLImage pixel format {image.PixelFormat} is not supported (Bgra32 or Rgba32 expected)."),
        };

        int width = image.Width;
        int height = image.Height;
        ReadOnlySpan<byte> source = image.Pixels;
        if (width <= 0 || height <= 0 || source.Length != width * height * 4)
        {
            throw new ImageDecodingException(
                inputName, $"MLImage of {width}x{height} has {source.Length} pixel bytes, expected {width * height * 4}.");
        }

        var rgb = new byte[width * height * 3];
        for (int p = 0, s = 0; p < rgb.Length; p += 3, s += 4)
        {
            int alpha = source[s + 3];
            rgb[p] = Unpremultiply(source[s + red], alpha);
            rgb[p + 1] = Unpremultiply(source[s + 1], alpha);
            rgb[p + 2] = Unpremultiply(source[s + blue], alpha);
        }

        return new DecodedImage(width, height, ImageMode.Rgb, rgb);
    }

    /// <summary>Nearest straight value for a premultiplied one; opaque pixels are unchanged.</summary>
    private static byte Unpremultiply(byte value, int alpha) => alpha switch
    {
        255 => value,
        0 => 0,
        _ => (byte)Math.Min(255, (value * 255 + alpha / 2) / alpha),
    };
}
