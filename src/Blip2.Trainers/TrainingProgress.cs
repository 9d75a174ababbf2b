using Blip2.Trainers.Metrics;

namespace Blip2.Trainers;

/// <summary>Reported after every optimizer step.</summary>
/// <param name="Step">Updates applied so far.</param>
/// <param name="TotalSteps">Updates the run will apply (unless stopped early or cancelled).</param>
/// <param name="Epoch">0-based epoch the step belongs to.</param>
/// <param name="Loss">Training loss of the step (target-weighted over its accumulated batches).</param>
/// <param name="Accuracy">Training accuracy of the step (token accuracy; for retrieval ITM accuracy, else ITG token accuracy, else ITC top-1).</param>
/// <param name="LearningRate">Rate used by the step.</param>
/// <param name="GradientNorm">Global gradient norm before clipping.</param>
/// <param name="ExamplesPerSecond">Training throughput since this run (or resume) started.</param>
/// <param name="Elapsed">Time since this run (or resume) started.</param>
/// <param name="EstimatedRemaining">Estimated time to the last step, from the throughput so far.</param>
/// <param name="Memory">Memory held by training.</param>
/// <param name="Validation">Validation metrics when the step was followed by a validation, else null.</param>
public sealed record TrainingProgress(long Step, long TotalSteps, int Epoch, double Loss, double Accuracy, double LearningRate,
    double GradientNorm, double ExamplesPerSecond, TimeSpan Elapsed, TimeSpan EstimatedRemaining, MemoryUsage Memory,
    EvaluationMetrics? Validation)
{
    /// <summary>The named parts of <see cref="Loss"/> (retrieval: <c>itc</c>, <c>itm</c>, <c>itg</c>); empty when the loss has no parts.</summary>
    public IReadOnlyDictionary<string, double> LossComponents { get; init; } = new Dictionary<string, double>();
}
