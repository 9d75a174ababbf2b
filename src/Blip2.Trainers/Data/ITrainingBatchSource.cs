namespace Blip2.Trainers.Data;

/// <summary>
/// Training or validation data as batches. Implementations must be deterministic: the same epoch number gives the same
/// batches in the same order (shuffle with a seed and the epoch), which is what makes <c>Resume</c> continue exactly.
/// </summary>
public interface ITrainingBatchSource
{
    /// <summary>Number of examples in one epoch.</summary>
    int ExampleCount { get; }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> (0-based), each of <paramref name="batchSize"/> examples except
    /// possibly the last. The caller disposes each batch.
    /// </summary>
    IEnumerable<TrainingBatch> ReadEpoch(int epoch, int batchSize);
}
