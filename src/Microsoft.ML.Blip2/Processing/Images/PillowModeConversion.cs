namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// The few Pillow 9.4 mode conversions the preprocessing needs (libImaging/Convert.c semantics, integer-exact).
/// </summary>
internal static class PillowModeConversion
{
    /// <summary>Pillow <c>convert('RGB')</c>: replicate gray, drop alpha without compositing.</summary>
    public static DecodedImage ToRgb(DecodedImage image)
    {
        if (image.Mode == ImageMode.Rgb)
        {
            return image;
        }

        int pixelCount = image.Width * image.Height;
        int channels = image.Channels;
        bool gray = image.Mode is ImageMode.L or ImageMode.LA;
        byte[] source = image.PixelBuffer;
        var rgb = new byte[pixelCount * 3];
        for (int p = 0; p < pixelCount; p++)
        {
            int s = p * channels;
            int d = p * 3;
            rgb[d] = source[s];
            rgb[d + 1] = gray ? source[s] : source[s + 1];
            rgb[d + 2] = gray ? source[s] : source[s + 2];
        }

        return new DecodedImage(image.Width, image.Height, ImageMode.Rgb, rgb);
    }

    /// <summary>
    /// Pillow's RGBA→RGBa / LA→La: colour channels multiplied by alpha/255 with exact rounding (MULDIV255).
    /// Returns a new buffer in the same layout; the last channel is alpha and stays unchanged.
    /// </summary>
    public static byte[] PremultiplyAlpha(ReadOnlySpan<byte> pixels, int channels)
    {
        var result = new byte[pixels.Length];
        for (int p = 0; p < pixels.Length; p += channels)
        {
            int alpha = pixels[p + channels - 1];
            for (int c = 0; c < channels - 1; c++)
            {
                result[p + c] = MulDiv255(pixels[p + c], alpha);
            }

            result[p + channels - 1] = (byte)alpha;
        }

        return result;
    }

    /// <summary>
    /// Pillow's RGBa→RGBA / La→LA, in place: colour × 255 / alpha with integer division, clipped to 255; pixels with
    /// alpha 0 or 255 are left as they are.
    /// </summary>
    public static void UnpremultiplyAlphaInPlace(Span<byte> pixels, int channels)
    {
        for (int p = 0; p < pixels.Length; p += channels)
        {
            int alpha = pixels[p + channels - 1];
            if (alpha is 0 or 255)
            {
                continue;
            }

            for (int c = 0; c < channels - 1; c++)
            {
                pixels[p + c] = (byte)Math.Min(255, 255 * pixels[p + c] / alpha);
            }
        }
    }

    /// <summary>round(a × b / 255) for bytes, Pillow's MULDIV255 bit trick.</summary>
    private static byte MulDiv255(int a, int b)
    {
        int t = a * b + 128;
        return (byte)(((t >> 8) + t) >> 8);
    }
}
