namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>Weights stored as differences: a base checkpoint (verified by fingerprint) overlaid with a delta file.</summary>
/// <param name="BaseDirectory">Full path of the base checkpoint directory.</param>
/// <param name="BaseFingerprint">The base's <see cref="WeightFingerprint"/> when the model was saved.</param>
/// <param name="DeltaFile">The safetensors file holding the tensors that differ from the base.</param>
internal sealed record DeltaWeights(string BaseDirectory, string BaseFingerprint, ModelFile DeltaFile)
{
    /// <summary>Throws <see cref="InvalidDataException"/> when the base checkpoint changed since the model was saved.</summary>
    public void VerifyBase()
    {
        if (!Directory.Exists(BaseDirectory))
            throw new DirectoryNotFoundException($"The base checkpoint '{BaseDirectory}' this model's weights are stored against does not exist.");
        string actual = WeightFingerprint.Compute(BaseDirectory);
        if (actual != BaseFingerprint)
        {
            throw new InvalidDataException(
                $"The base checkpoint '{BaseDirectory}' is not the one this model was saved against: SHA-256 fingerprint of its weights is {actual}, expected {BaseFingerprint}.");
        }
    }
}
