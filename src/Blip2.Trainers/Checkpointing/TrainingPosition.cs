namespace Blip2.Trainers.Checkpointing;

/// <summary>Where in the data a run stands: the epoch and how many of its batches were consumed.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="BatchesConsumed">Batches of that epoch already trained on (the sampler position).</param>
public sealed record TrainingPosition(int Epoch, int BatchesConsumed)
{
    /// <summary>The start of training.</summary>
    public static TrainingPosition Start { get; } = new(0, 0);
}
