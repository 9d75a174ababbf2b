namespace Blip2.Trainers;

/// <summary>Memory a training session holds, in bytes.</summary>
/// <param name="TrainableParameterBytes">Trained parameters (owned copies).</param>
/// <param name="GradientBytes">Gradients currently held.</param>
/// <param name="OptimizerStateBytes">AdamW moment estimates.</param>
/// <param name="CachedImageFeatureBytes">Cached frozen image features.</param>
/// <param name="FrozenParameterBytes">Frozen parameters (possibly memory-mapped from the checkpoint, not all resident).</param>
/// <param name="ProcessWorkingSetBytes">The process working set when measured.</param>
public sealed record MemoryUsage(long TrainableParameterBytes, long GradientBytes, long OptimizerStateBytes,
    long CachedImageFeatureBytes, long FrozenParameterBytes, long ProcessWorkingSetBytes)
{
    /// <summary>Bytes owned by training itself: trained parameters + gradients + optimizer state + feature cache.</summary>
    public long TrainingBytes => TrainableParameterBytes + GradientBytes + OptimizerStateBytes + CachedImageFeatureBytes;
}
