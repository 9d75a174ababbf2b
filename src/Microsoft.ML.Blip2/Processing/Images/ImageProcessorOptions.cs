using Microsoft.ML.Blip2.Configuration;
using System.Text.Json;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// Settings of <see cref="Blip2ImageProcessor"/>, mirroring Hugging Face's <c>BlipImageProcessor</c>. The defaults
/// are that class's defaults (384×384, bicubic, 1/255, OpenAI CLIP mean and std, every step on).
/// </summary>
public sealed record ImageProcessorOptions
{
    /// <summary>OpenAI CLIP per-channel mean (transformers' OPENAI_CLIP_MEAN).</summary>
    public static IReadOnlyList<float> OpenAiClipMean { get; } = [0.48145466f, 0.4578275f, 0.40821073f];

    /// <summary>OpenAI CLIP per-channel standard deviation (transformers' OPENAI_CLIP_STD).</summary>
    public static IReadOnlyList<float> OpenAiClipStd { get; } = [0.26862954f, 0.26130258f, 0.27577711f];

    /// <summary>Resize every image to <see cref="Width"/> × <see cref="Height"/> (aspect ratio not kept).</summary>
    public bool DoResize { get; init; } = true;

    /// <summary>Output height in pixels.</summary>
    public int Height { get; init; } = 384;

    /// <summary>Output width in pixels.</summary>
    public int Width { get; init; } = 384;

    /// <summary>Pillow filter used for resizing.</summary>
    public PilResampling Resample { get; init; } = PilResampling.Bicubic;

    /// <summary>Multiply the 0..255 values by <see cref="RescaleFactor"/>.</summary>
    public bool DoRescale { get; init; } = true;

    /// <summary>Rescale factor (the product is taken in double precision, then rounded to float, as numpy does).</summary>
    public double RescaleFactor { get; init; } = 1.0 / 255.0;

    /// <summary>Subtract <see cref="ImageMean"/> and divide by <see cref="ImageStd"/> per channel.</summary>
    public bool DoNormalize { get; init; } = true;

    /// <summary>Per-channel (R, G, B) mean, 3 values.</summary>
    public IReadOnlyList<float> ImageMean { get; init; } = OpenAiClipMean;

    /// <summary>Per-channel (R, G, B) standard deviation, 3 non-zero values.</summary>
    public IReadOnlyList<float> ImageStd { get; init; } = OpenAiClipStd;

    /// <summary>Convert every image to RGB first (Pillow <c>convert('RGB')</c>); when off, images must be RGB.</summary>
    public bool DoConvertRgb { get; init; } = true;

    /// <summary>
    /// Reads a Hugging Face <c>preprocessor_config.json</c>; keys it lacks keep the <c>BlipImageProcessor</c> defaults.
    /// </summary>
    /// <param name="path">Path of the JSON file.</param>
    /// <returns>The validated options.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The JSON is malformed or a value has the wrong type or range.</exception>
    public static ImageProcessorOptions FromPreprocessorConfigFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Preprocessor config not found: {path}", path);
        }

        var config = ImagePreprocessorConfig.FromFile(path);
        try
        {
            return FromConfig(config);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first invalid setting (sizes &gt; 0, 3 means, 3 non-zero
    /// stds, a known filter, a finite rescale factor).
    /// </summary>
    public void Validate()
    {
        if (DoResize && (Width <= 0 || Height <= 0))
        {
            throw new ArgumentException($"Resize size must be positive, got {Width}x{Height}.", nameof(Width));
        }

        if (!Enum.IsDefined(Resample))
        {
            throw new ArgumentException($"Unknown resampling filter {(int)Resample}.", nameof(Resample));
        }

        if (DoRescale && !double.IsFinite(RescaleFactor))
        {
            throw new ArgumentException($"Rescale factor must be finite, got {RescaleFactor}.", nameof(RescaleFactor));
        }

        if (DoNormalize)
        {
            if (ImageMean is null || ImageMean.Count != 3)
            {
                throw new ArgumentException(
                    $"ImageMean needs 3 values (R, G, B), got {ImageMean?.Count.ToString() ?? "null"}.", nameof(ImageMean));
            }

            if (ImageStd is null || ImageStd.Count != 3)
            {
                throw new ArgumentException(
                    $"ImageStd needs 3 values (R, G, B), got {ImageStd?.Count.ToString() ?? "null"}.", nameof(ImageStd));
            }

            if (ImageStd.Any(s => s == 0f || !float.IsFinite(s)))
            {
                throw new ArgumentException(
                    $"ImageStd values must be finite and non-zero, got [{string.Join(", ", ImageStd)}].", nameof(ImageStd));
            }
        }
    }

    /// <summary>The processing options a Hugging Face <c>preprocessor_config.json</c> describes, validated.</summary>
    /// <param name="config">The parsed configuration.</param>
    /// <exception cref="ArgumentException">A value out of range (see <see cref="Validate"/>).</exception>
    public static ImageProcessorOptions FromConfig(ImagePreprocessorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var options = new ImageProcessorOptions
        {
            DoResize = config.DoResize,
            Height = config.Size.Height,
            Width = config.Size.Width,
            Resample = config.Resample,
            DoRescale = config.DoRescale,
            RescaleFactor = config.RescaleFactor,
            DoNormalize = config.DoNormalize,
            ImageMean = config.ImageMean.Select(v => (float)v).ToArray(),
            ImageStd = config.ImageStd.Select(v => (float)v).ToArray(),
            DoConvertRgb = config.DoConvertRgb,
        };
        options.Validate();
        return options;
    }
}
