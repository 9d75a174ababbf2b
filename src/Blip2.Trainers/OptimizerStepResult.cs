namespace Blip2.Trainers;

/// <summary>What one optimizer update did.</summary>
/// <param name="Step">Number of updates applied so far, this one included.</param>
/// <param name="LearningRate">The rate used for this update.</param>
/// <param name="GradientNorm">Global L2 norm of the gradients before clipping.</param>
/// <param name="Clipped">True when the gradients were scaled down to the maximum norm.</param>
public sealed record OptimizerStepResult(long Step, double LearningRate, double GradientNorm, bool Clipped);
