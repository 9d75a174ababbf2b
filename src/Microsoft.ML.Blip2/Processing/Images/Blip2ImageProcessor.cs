using Microsoft.ML.Data;
using TorchSharp;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// BLIP-2 image preprocessing with Hugging Face <c>BlipImageProcessor</c> numerics: convert to RGB → resize on
/// uint8 with Pillow's filter → rescale (uint8 × factor in double, rounded to float) → normalize
/// ((x − mean) / std in float) → channels-first <c>pixel_values</c> [B, 3, H, W] float32.
/// </summary>
public sealed class Blip2ImageProcessor
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Creates a processor; <paramref name="options"/> are validated.</summary>
    /// <param name="options">Preprocessing settings.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public Blip2ImageProcessor(ImageProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _mean = [.. options.ImageMean];
        _std = [.. options.ImageStd];
    }

    /// <summary>The settings in use.</summary>
    public ImageProcessorOptions Options { get; }

    /// <summary>Creates a processor from a Hugging Face <c>preprocessor_config.json</c>.</summary>
    /// <param name="path">Path of the JSON file.</param>
    /// <returns>The processor.</returns>
    public static Blip2ImageProcessor FromPreprocessorConfigFile(string path) =>
        new(ImageProcessorOptions.FromPreprocessorConfigFile(path));

    /// <summary>Preprocesses decoded images into <c>pixel_values</c>.</summary>
    /// <param name="images">At least one image. Without resizing all must have the same size.</param>
    /// <returns>A float32 tensor [B, 3, H, W] on the CPU, owned (and to be disposed) by the caller.</returns>
    public torch.Tensor Preprocess(IReadOnlyList<DecodedImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("At least one image is needed.", nameof(images));
        }

        var prepared = new DecodedImage[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            DecodedImage image = images[i] ?? throw new ArgumentException($"Image #{i} is null.", nameof(images));
            prepared[i] = ConvertAndResize(image, $"image #{i}");
        }

        int height = prepared[0].Height;
        int width = prepared[0].Width;
        for (int i = 1; i < prepared.Length; i++)
        {
            if (prepared[i].Height != height || prepared[i].Width != width)
            {
                throw new ArgumentException(
                    $"Without resizing all images must have one size: image #0 is {width}x{height}, image #{i} is " +
                    $"{prepared[i].Width}x{prepared[i].Height}.", nameof(images));
            }
        }

        int imageLength = 3 * height * width;
        var values = new float[checked(prepared.Length * imageLength)];
        Parallel.For(0, prepared.Length, i => WriteChannelsFirst(prepared[i], values.AsSpan(i * imageLength, imageLength)));
        return torch.tensor(values, [prepared.Length, 3, height, width], torch.float32);
    }

    /// <summary>Decodes and preprocesses image files.</summary>
    /// <param name="paths">Image file paths.</param>
    /// <returns>A float32 tensor [B, 3, H, W], owned by the caller.</returns>
    public torch.Tensor Preprocess(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Preprocess(paths.Select(DecodedImage.FromFile).ToArray());
    }

    /// <summary>Decodes and preprocesses encoded images held in memory.</summary>
    /// <param name="encodedImages">Encoded image files; errors name them "byte[] input #i".</param>
    /// <returns>A float32 tensor [B, 3, H, W], owned by the caller.</returns>
    public torch.Tensor Preprocess(IReadOnlyList<byte[]> encodedImages)
    {
        ArgumentNullException.ThrowIfNull(encodedImages);
        return Preprocess(encodedImages.Select((bytes, i) => DecodedImage.FromBytes(bytes, $"byte[] input #{i}")).ToArray());
    }

    /// <summary>Reads each stream to its end, decodes and preprocesses; the streams are not disposed.</summary>
    /// <param name="streams">Streams of encoded images; errors name them "stream input #i".</param>
    /// <returns>A float32 tensor [B, 3, H, W], owned by the caller.</returns>
    public torch.Tensor Preprocess(IReadOnlyList<Stream> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        return Preprocess(streams.Select((stream, i) => DecodedImage.FromStream(stream, $"stream input #{i}")).ToArray());
    }

    /// <summary>
    /// Preprocesses ML.NET images. Their pixels are premultiplied, so only opaque pixels are exactly Pillow's
    /// (see <see cref="DecodedImage.FromMLImage"/>).
    /// </summary>
    /// <param name="images">The images; their pixels are copied at once.</param>
    /// <returns>A float32 tensor [B, 3, H, W], owned by the caller.</returns>
    public torch.Tensor Preprocess(IReadOnlyList<MLImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Preprocess(images.Select((image, i) => DecodedImage.FromMLImage(image, $"MLImage input #{i}")).ToArray());
    }

    /// <summary>
    /// The uint8 stages: RGB conversion (if <see cref="ImageProcessorOptions.DoConvertRgb"/>) and the Pillow
    /// resize (if <see cref="ImageProcessorOptions.DoResize"/>). Equals HF's image just before rescaling.
    /// </summary>
    /// <param name="image">A decoded image.</param>
    /// <param name="imageName">How to name the image in errors.</param>
    /// <returns>An RGB image.</returns>
    /// <exception cref="ArgumentException">RGB conversion is off and the image is not RGB.</exception>
    public DecodedImage ConvertAndResize(DecodedImage image, string imageName = "image")
    {
        ArgumentNullException.ThrowIfNull(image);
        DecodedImage rgb;
        if (Options.DoConvertRgb)
        {
            rgb = image.ToRgb();
        }
        else if (image.Mode == ImageMode.Rgb)
        {
            rgb = image;
        }
        else
        {
            throw new ArgumentException(
                $"{imageName} is a {image} but DoConvertRgb is off: the model needs 3-channel RGB input.", nameof(image));
        }

        return Options.DoResize ? PillowResampler.Resize(rgb, Options.Width, Options.Height, Options.Resample) : rgb;
    }

    /// <summary>
    /// The float stages on an RGB image: rescale and normalize as configured, written channels-first (C, H, W)
    /// into <paramref name="destination"/> of length 3 × H × W.
    /// </summary>
    /// <param name="rgb">An RGB image (e.g. from <see cref="ConvertAndResize"/>).</param>
    /// <param name="destination">Receives 3 × Height × Width floats.</param>
    public void WriteChannelsFirst(DecodedImage rgb, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        if (rgb.Mode != ImageMode.Rgb)
        {
            throw new ArgumentException($"Expected an RGB image, got a {rgb}.", nameof(rgb));
        }

        int planeSize = rgb.Width * rgb.Height;
        if (destination.Length != 3 * planeSize)
        {
            throw new ArgumentException(
                $"Destination holds {destination.Length} floats, a {rgb} needs {3 * planeSize}.", nameof(destination));
        }

        ReadOnlySpan<byte> pixels = rgb.Pixels.Span;
        Span<float> lookup = stackalloc float[256 * 3];
        for (int c = 0; c < 3; c++)
        {
            for (int v = 0; v < 256; v++)
            {
                lookup[c * 256 + v] = ToModelValue((byte)v, c);
            }
        }

        for (int p = 0; p < planeSize; p++)
        {
            for (int c = 0; c < 3; c++)
            {
                destination[c * planeSize + p] = lookup[c * 256 + pixels[p * 3 + c]];
            }
        }
    }

    /// <summary>numpy's arithmetic: float32(uint8 × factor in float64), then (x − mean) / std in float32.</summary>
    private float ToModelValue(byte value, int channel)
    {
        float x = Options.DoRescale ? (float)(value * Options.RescaleFactor) : value;
        return Options.DoNormalize ? (x - _mean[channel]) / _std[channel] : x;
    }
}
