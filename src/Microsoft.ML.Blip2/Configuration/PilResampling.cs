namespace Microsoft.ML.Blip2.Configuration;

/// <summary>Resampling filters by their PIL codes, as <c>resample</c> stores them in <c>preprocessor_config.json</c>.</summary>
public enum PilResampling
{
    /// <summary>Nearest neighbour (PIL 0).</summary>
    Nearest = 0,

    /// <summary>Lanczos (PIL 1, formerly ANTIALIAS).</summary>
    Lanczos = 1,

    /// <summary>Bilinear (PIL 2).</summary>
    Bilinear = 2,

    /// <summary>Bicubic (PIL 3), BLIP-2's filter.</summary>
    Bicubic = 3,

    /// <summary>Box (PIL 4).</summary>
    Box = 4,

    /// <summary>Hamming (PIL 5).</summary>
    Hamming = 5,
}
