using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// An 8-bit image as Pillow holds it after <c>Image.open</c>: width, height, <see cref="Mode"/> and tightly packed
/// interleaved pixels in row-major HWC order (what <c>numpy.array(image)</c> returns).
/// </summary>
/// <remarks>
/// Decoding (<see cref="FromFile"/>, <see cref="FromBytes"/>, <see cref="FromStream"/>) uses SkiaSharp and gives
/// Pillow 9.4's pixels for PNG and JPEG, with these mode rules: grayscale → L (1/2/4-bit gray expanded like Pillow),
/// gray+alpha → LA (16-bit gray+alpha → RGBA, as Pillow), RGB → RGB, RGBA → RGBA, 16-bit channels keep their high
/// byte (as Pillow), palette → RGB, or RGBA when the file has a tRNS chunk (Pillow reports "P"; its
/// <c>convert('RGB')</c> gives the same colours), CMYK JPEG → RGB (Pillow reports "CMYK" and, like SkiaSharp, assumes
/// Adobe-inverted CMYK; its
/// <c>convert('RGB')</c> gives the same colours). 16-bit grayscale PNG is rejected: Pillow opens it as 32-bit mode "I".
/// Colour profiles and EXIF orientation are ignored, as by Pillow. Other formats SkiaSharp reads (BMP, GIF, WebP, ...)
/// are decoded with the mode SkiaSharp reports (gray → L, opaque → RGB, otherwise RGBA).
/// </remarks>
public sealed class DecodedImage
{
    private readonly byte[] _pixels;

    /// <summary>Creates an image from a copy of <paramref name="pixels"/>.</summary>
    /// <param name="width">Width in pixels, &gt; 0.</param>
    /// <param name="height">Height in pixels, &gt; 0.</param>
    /// <param name="mode">Channel layout.</param>
    /// <param name="pixels">Row-major HWC bytes, exactly width × height × channels of them.</param>
    public DecodedImage(int width, int height, ImageMode mode, ReadOnlySpan<byte> pixels)
        : this(width, height, mode, pixels.ToArray())
    {
    }

    /// <summary>Takes ownership of <paramref name="pixels"/> without copying (callers inside the library only).</summary>
    internal DecodedImage(int width, int height, ImageMode mode, byte[] pixels)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Image size must be positive, got {width}x{height}.");
        }

        long expected = (long)width * height * mode.ChannelCount();
        if (pixels.LongLength != expected)
        {
            throw new ArgumentException(
                $"A {width}x{height} {mode.ToPillowName()} image needs {expected} bytes, got {pixels.LongLength}.",
                nameof(pixels));
        }

        Width = width;
        Height = height;
        Mode = mode;
        _pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Channel layout of <see cref="Pixels"/>.</summary>
    public ImageMode Mode { get; }

    /// <summary>Bytes per pixel (1, 2, 3 or 4).</summary>
    public int Channels => Mode.ChannelCount();

    /// <summary>Row-major HWC pixel bytes, Height × Width × Channels of them.</summary>
    public ReadOnlyMemory<byte> Pixels => _pixels;

    /// <summary>The pixel buffer itself, for the library's own pixel loops (never handed out for writing).</summary>
    internal byte[] PixelBuffer => _pixels;

    /// <summary>Decodes the image file at <paramref name="path"/>.</summary>
    /// <param name="path">Path of a PNG, JPEG or other SkiaSharp-readable file.</param>
    /// <returns>The decoded image.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ImageDecodingException">The file is empty, truncated, corrupt or unsupported.</exception>
    public static DecodedImage FromFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Image file not found: {path}", path);
        }

        return SkiaImageDecoder.Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes an encoded image held in memory.</summary>
    /// <param name="encoded">The encoded file bytes (a <c>byte[]</c> converts implicitly).</param>
    /// <param name="inputName">How to name the input in error messages.</param>
    /// <returns>The decoded image.</returns>
    /// <exception cref="ImageDecodingException">The bytes are empty, truncated, corrupt or unsupported.</exception>
    public static DecodedImage FromBytes(ReadOnlyMemory<byte> encoded, string inputName = "byte[] input")
    {
        ArgumentNullException.ThrowIfNull(inputName);
        return SkiaImageDecoder.Decode(encoded.Span, inputName);
    }

    /// <summary>Reads <paramref name="stream"/> from its current position to the end and decodes it.</summary>
    /// <param name="stream">A readable stream holding an encoded image; it is not disposed.</param>
    /// <param name="inputName">How to name the input in error messages.</param>
    /// <returns>The decoded image.</returns>
    /// <exception cref="ImageDecodingException">The data is empty, truncated, corrupt or unsupported.</exception>
    public static DecodedImage FromStream(Stream stream, string inputName = "stream input")
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(inputName);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return SkiaImageDecoder.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), inputName);
    }

    /// <summary>
    /// Copies the pixels of an ML.NET <see cref="MLImage"/> into an RGB image.
    /// </summary>
    /// <remarks>
    /// <see cref="MLImage.Pixels"/> are premultiplied by alpha, so the original colour of a translucent pixel is
    /// only approximated (rounded un-premultiplication) and fully transparent pixels come out black, whereas Pillow's
    /// <c>convert('RGB')</c> keeps the stored colour. Opaque images give exactly the pixels of <see cref="FromFile"/>.
    /// </remarks>
    /// <param name="image">The image; its pixels are copied at once.</param>
    /// <param name="inputName">How to name the input in error messages.</param>
    /// <returns>An <see cref="ImageMode.Rgb"/> image.</returns>
    public static DecodedImage FromMLImage(MLImage image, string inputName = "MLImage input") =>
        MLImagePixels.ToRgb(image, inputName);

    /// <summary>
    /// Converts to RGB exactly like Pillow's <c>convert('RGB')</c>: gray is replicated to three channels and alpha
    /// is dropped (no compositing onto a background). An RGB image is returned as is.
    /// </summary>
    /// <returns>An <see cref="ImageMode.Rgb"/> image.</returns>
    public DecodedImage ToRgb() => PillowModeConversion.ToRgb(this);

    /// <inheritdoc />
    public override string ToString() => $"{Width}x{Height} {Mode.ToPillowName()} image";
}
