using Microsoft.ML.Blip2.Configuration;
namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// Reproduces Pillow 9.4's <c>Image.resize(size, resample)</c> (no <c>box</c>, no <c>reducing_gap</c>) bit for bit
/// on 8-bit images: the separable fixed-point convolution of libImaging/Resample.c for BOX, BILINEAR, HAMMING,
/// BICUBIC and LANCZOS, and the affine nearest-neighbour scale for NEAREST.
/// </summary>
public static class PillowResampler
{
    /// <summary>
    /// Resizes <paramref name="image"/> to <paramref name="width"/> × <paramref name="height"/>.
    /// </summary>
    /// <remarks>
    /// As in Pillow: an unchanged size returns the image itself (images are immutable); RGBA and LA images are
    /// resized with premultiplied alpha (converted to RGBa/La and back) except for NEAREST; an axis whose size does
    /// not change is not resampled; the horizontal pass runs first, on only the source rows the vertical pass reads.
    /// </remarks>
    /// <param name="image">The image to resize.</param>
    /// <param name="width">Output width, &gt; 0.</param>
    /// <param name="height">Output height, &gt; 0.</param>
    /// <param name="filter">Resampling filter; Pillow's default is <see cref="PilResampling.Bicubic"/>.</param>
    /// <returns>The resized image, same mode.</returns>
    public static DecodedImage Resize(
        DecodedImage image, int width, int height, PilResampling filter = PilResampling.Bicubic)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(width), $"Resize target must be positive, got {width}x{height}.");
        }

        if (!Enum.IsDefined(filter))
        {
            throw new ArgumentOutOfRangeException(nameof(filter), filter, "Unknown resampling filter.");
        }

        if (width == image.Width && height == image.Height)
        {
            return image;
        }

        int channels = image.Channels;
        if (filter == PilResampling.Nearest)
        {
            byte[] scaled = NearestNeighbourScaler.Scale(
                image.PixelBuffer, image.Width, image.Height, channels, width, height);
            return new DecodedImage(width, height, image.Mode, scaled);
        }

        // Pillow resizes RGBA/LA in premultiplied form so that transparent colours do not bleed.
        bool premultiplied = image.Mode.HasAlpha();
        byte[] source = premultiplied
            ? PillowModeConversion.PremultiplyAlpha(image.PixelBuffer, channels)
            : image.PixelBuffer;

        byte[] result = Convolve(source, image.Width, image.Height, channels, width, height, filter);
        if (premultiplied)
        {
            PillowModeConversion.UnpremultiplyAlphaInPlace(result, channels);
        }

        return new DecodedImage(width, height, image.Mode, result);
    }

    /// <summary>ImagingResampleInner with the full-image box: which passes run and on which rows.</summary>
    private static byte[] Convolve(
        byte[] source, int inWidth, int inHeight, int channels, int outWidth, int outHeight, PilResampling filter)
    {
        var kernel = ResamplingKernel.For(filter);
        bool needHorizontal = outWidth != inWidth;
        bool needVertical = outHeight != inHeight;

        var vertical = ResamplingCoefficients.Compute(inHeight, 0f, inHeight, outHeight, kernel);
        // Rows the vertical pass reads; the horizontal pass only produces these.
        int firstRow = vertical.FirstSource[0];
        int endRow = vertical.FirstSource[outHeight - 1] + vertical.SourceCount[outHeight - 1];

        byte[] current = source;
        int rowShift = 0;
        if (needHorizontal)
        {
            var horizontal = ResamplingCoefficients.Compute(inWidth, 0f, inWidth, outWidth, kernel);
            current = SeparableResamplePass.Horizontal(
                source, inWidth, channels, firstRow, endRow - firstRow, horizontal);
            rowShift = firstRow;
        }

        if (needVertical)
        {
            current = SeparableResamplePass.Vertical(current, outWidth, channels, rowShift, vertical);
        }

        // With only a horizontal pass the row window is the whole image (scale 1), so the size is right.
        return current;
    }
}
