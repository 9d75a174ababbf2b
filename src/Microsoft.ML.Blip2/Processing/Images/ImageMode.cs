namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// Channel layout of a <see cref="DecodedImage"/>, named after the Pillow mode that <c>Image.open</c> reports
/// for the same file (palette images are expanded, see <see cref="DecodedImage"/>).
/// </summary>
public enum ImageMode
{
    /// <summary>8-bit grayscale, one byte per pixel (Pillow "L").</summary>
    L,

    /// <summary>8-bit grayscale with straight (unpremultiplied) alpha, two bytes per pixel (Pillow "LA").</summary>
    LA,

    /// <summary>8-bit red, green, blue, three bytes per pixel (Pillow "RGB").</summary>
    Rgb,

    /// <summary>8-bit red, green, blue and straight (unpremultiplied) alpha, four bytes per pixel (Pillow "RGBA").</summary>
    Rgba,
}

/// <summary>Facts about <see cref="ImageMode"/> values.</summary>
public static class ImageModeExtensions
{
    /// <summary>Number of interleaved bytes per pixel of <paramref name="mode"/>.</summary>
    /// <param name="mode">The channel layout.</param>
    /// <returns>1 for L, 2 for LA, 3 for RGB, 4 for RGBA.</returns>
    public static int ChannelCount(this ImageMode mode) => mode switch
    {
        ImageMode.L => 1,
        ImageMode.LA => 2,
        ImageMode.Rgb => 3,
        ImageMode.Rgba => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown image mode."),
    };

    /// <summary>True for the modes that carry an alpha channel (LA, RGBA).</summary>
    /// <param name="mode">The channel layout.</param>
    /// <returns>Whether the last channel is alpha.</returns>
    public static bool HasAlpha(this ImageMode mode) => mode is ImageMode.LA or ImageMode.Rgba;

    /// <summary>The Pillow spelling of the mode ("L", "LA", "RGB", "RGBA").</summary>
    /// <param name="mode">The channel layout.</param>
    /// <returns>The Pillow mode string.</returns>
    public static string ToPillowName(this ImageMode mode) => mode switch
    {
        ImageMode.L => "L",
        ImageMode.LA => "LA",
        ImageMode.Rgb => "RGB",
        ImageMode.Rgba => "RGBA",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown image mode."),
    };
}
