using Blip2.Trainers;

namespace Blip2.FineTune;

/// <summary>Prints training progress every few steps, synchronously (<c>Progress&lt;T&gt;</c> would post to the thread pool).</summary>
internal sealed class ConsoleProgress(int everySteps) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.Step % everySteps == 0 || value.Step == value.TotalSteps)
        {
            Console.WriteLine($"  step {value.Step}/{value.TotalSteps} epoch {value.Epoch}: loss {value.Loss:F3}, token accuracy {value.Accuracy:P0}, " +
                $"lr {value.LearningRate:G3}, {value.ExamplesPerSecond:F0} examples/s, ETA {value.EstimatedRemaining:mm\\:ss}");
        }
    }
}
