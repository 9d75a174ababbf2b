using System.Globalization;
using System.Text;
using Microsoft.ML.Runtime;

namespace Blip2.Trainers.MLNet;

/// <summary>
/// Writes training progress to an ML.NET channel (so it reaches <c>MLContext.Log</c>): every step as a trace message;
/// the first step, every tenth of the run, every validation and the last step as info; then the outcome. Called on the
/// training thread, like any <see cref="IProgress{T}"/> the trainer is given.
/// </summary>
internal sealed class ChannelTrainingLog(IChannel channel) : IProgress<TrainingProgress>
{
    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        long every = Math.Max(1, value.TotalSteps / 10);
        bool milestone = value.Step == 1 || value.Step % every == 0 || value.Step == value.TotalSteps || value.Validation is not null;
        string message = Describe(value);
        if (milestone)
            channel.Info(MessageSensitivity.None, message);
        else
            channel.Trace(MessageSensitivity.None, message);
    }

    /// <summary>Logs the outcome of the run as info.</summary>
    public void Finished(TrainingResult result) =>
        channel.Info(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture,
            $"Fine-tuning {Describe(result.StopReason)} after {result.Steps}/{result.TotalSteps} steps in {result.Elapsed.TotalSeconds:F1} s: final loss {result.FinalLoss:G5}, accuracy {result.FinalAccuracy:P1}; training held {Megabytes(result.Memory.TrainingBytes)} MB (trained parameters, gradients, optimizer state, feature cache), process working set {Megabytes(result.Memory.ProcessWorkingSetBytes)} MB."));

    private static string Describe(TrainingProgress p)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"step {p.Step}/{p.TotalSteps} epoch {p.Epoch}: loss {p.Loss:G5}");
        if (p.LossComponents.Count > 0)
            text.Append(" (").AppendJoin(", ", p.LossComponents.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value:G5}"))).Append(')');
        text.Append(CultureInfo.InvariantCulture, $", accuracy {p.Accuracy:P1}, lr {p.LearningRate:G3}, gradient norm {p.GradientNorm:G4}, {p.ExamplesPerSecond:F1} examples/s, ETA {p.EstimatedRemaining:hh\\:mm\\:ss}");
        if (p.Validation is { } v)
            text.Append(CultureInfo.InvariantCulture, $"; validation loss {v.Loss:G5}, accuracy {v.Accuracy:P1}");
        return text.ToString();
    }

    private static string Describe(TrainingStopReason reason) => reason switch
    {
        TrainingStopReason.Completed => "completed",
        TrainingStopReason.EarlyStopped => "stopped early (no validation improvement)",
        TrainingStopReason.Cancelled => "cancelled",
        _ => reason.ToString(),
    };

    private static long Megabytes(long bytes) => (bytes + (1 << 19)) >> 20;
}
