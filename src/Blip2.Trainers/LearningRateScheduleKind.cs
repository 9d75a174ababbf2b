namespace Blip2.Trainers;

/// <summary>How the learning rate evolves after the linear warmup.</summary>
public enum LearningRateScheduleKind
{
    /// <summary>The base learning rate for every step after warmup.</summary>
    Constant,

    /// <summary>Linear decay from the base rate towards the minimum rate over the remaining steps.</summary>
    Linear,

    /// <summary>Half-cosine decay from the base rate towards the minimum rate over the remaining steps (LAVIS, BLIP-2).</summary>
    Cosine,
}
