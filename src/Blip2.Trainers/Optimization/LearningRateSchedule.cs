namespace Blip2.Trainers.Optimization;

/// <summary>
/// Learning rate per optimizer step. For update index s (0 for the first update): during warmup (s &lt; W) the rate is
/// <c>base·(s+1)/W</c>, so the last warmup step reaches the base rate; afterwards, with progress
/// <c>q = (s − W)/(T − W)</c> over the T total steps, it is <c>min + (base − min)·f(q)</c> where f is 1 (constant),
/// <c>1 − q</c> (linear) or <c>½(1 + cos πq)</c> (cosine). The first update after warmup uses the base rate.
/// </summary>
public sealed class LearningRateSchedule
{
    /// <summary>Creates a schedule.</summary>
    /// <param name="baseRate">Peak rate.</param>
    /// <param name="minRate">Rate the decay tends to.</param>
    /// <param name="kind">Decay after warmup.</param>
    /// <param name="warmupSteps">Warmup length W.</param>
    /// <param name="totalSteps">Total updates T; required for linear and cosine decay.</param>
    public LearningRateSchedule(double baseRate, double minRate, LearningRateScheduleKind kind, int warmupSteps, long? totalSteps)
    {
        if (kind != LearningRateScheduleKind.Constant && totalSteps is null)
            throw new ArgumentException($"A {kind} learning-rate schedule needs the total number of optimizer steps.", nameof(totalSteps));
        if (totalSteps is < 1)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "The total number of optimizer steps must be at least 1.");
        BaseRate = baseRate;
        MinRate = minRate;
        Kind = kind;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
    }

    /// <summary>Peak rate.</summary>
    public double BaseRate { get; }

    /// <summary>Rate the decay tends to.</summary>
    public double MinRate { get; }

    /// <summary>Decay kind.</summary>
    public LearningRateScheduleKind Kind { get; }

    /// <summary>Warmup steps.</summary>
    public int WarmupSteps { get; }

    /// <summary>Total optimizer steps, when known.</summary>
    public long? TotalSteps { get; }

    /// <summary>The rate of update <paramref name="step"/> (0-based).</summary>
    public double At(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps) return BaseRate * (step + 1) / WarmupSteps;
        if (Kind == LearningRateScheduleKind.Constant) return BaseRate;
        long decaySteps = Math.Max(1, TotalSteps!.Value - WarmupSteps);
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / decaySteps);
        double factor = Kind == LearningRateScheduleKind.Linear ? 1 - progress : 0.5 * (1 + Math.Cos(Math.PI * progress));
        return MinRate + (BaseRate - MinRate) * factor;
    }
}
