using Blip2.Trainers.Metrics;

namespace Blip2.Trainers;

/// <summary>The outcome of a training run. The trained weights are in the model that was passed in.</summary>
/// <param name="Steps">Optimizer updates applied in total (including those before a resume).</param>
/// <param name="TotalSteps">Updates the run was planned for.</param>
/// <param name="StopReason">Why training ended.</param>
/// <param name="FinalLoss">Training loss of the last step (NaN when no step ran).</param>
/// <param name="FinalAccuracy">Training accuracy of the last step (NaN when no step ran).</param>
/// <param name="FinalValidation">Validation metrics after the last step, when validation data was given.</param>
/// <param name="BestValidationLoss">Lowest validation loss seen, when validation data was given.</param>
/// <param name="LossHistory">Training loss of every step of this run (not of steps before a resume).</param>
/// <param name="Checkpoints">Checkpoint folders written by this run.</param>
/// <param name="Elapsed">Wall time of this run.</param>
/// <param name="Memory">Memory held by training at the end (before the session released it).</param>
public sealed record TrainingResult(long Steps, long TotalSteps, TrainingStopReason StopReason, double FinalLoss, double FinalAccuracy,
    EvaluationMetrics? FinalValidation, double? BestValidationLoss, IReadOnlyList<double> LossHistory, IReadOnlyList<string> Checkpoints,
    TimeSpan Elapsed, MemoryUsage Memory);
