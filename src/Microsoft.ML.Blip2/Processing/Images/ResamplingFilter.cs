namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// Resampling filters of Pillow's <c>Image.resize</c>, with Pillow's integer codes (the <c>resample</c> value of a
/// Hugging Face <c>preprocessor_config.json</c>).
/// </summary>
public enum ResamplingFilter
{
    /// <summary>Nearest neighbour (PIL code 0).</summary>
    Nearest = 0,

    /// <summary>Lanczos, a = 3 (PIL code 1).</summary>
    Lanczos = 1,

    /// <summary>Bilinear / triangle (PIL code 2).</summary>
    Bilinear = 2,

    /// <summary>Bicubic, a = -0.5 (PIL code 3; Pillow's default and BLIP-2's).</summary>
    Bicubic = 3,

    /// <summary>Box (PIL code 4).</summary>
    Box = 4,

    /// <summary>Hamming (PIL code 5).</summary>
    Hamming = 5,
}
