namespace Microsoft.ML.Blip2.Transforms;

/// <summary>How a saved ML.NET model zip stores the BLIP-2 weights.</summary>
public enum WeightStorage
{
    /// <summary>Every weight, as uncompressed safetensors: the zip is self-contained.</summary>
    Full,

    /// <summary>
    /// Only the tensors that differ from the checkpoint in <see cref="Blip2TransformOptions.BaseModelDirectory"/>, plus
    /// that directory's path and a SHA-256 fingerprint of its weight files. Loading needs the same base checkpoint at
    /// the same path and verifies the fingerprint.
    /// </summary>
    DifferencesFromBase,
}
