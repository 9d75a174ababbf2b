namespace Blip2.Trainers;

/// <summary>How many batches and optimizer steps a run has, from the options and the size of the training data.</summary>
internal sealed class TrainingPlan
{
    public TrainingPlan(QFormerTrainingOptions options, int exampleCount)
    {
        if (exampleCount < 1)
            throw new ArgumentException($"The training source has {exampleCount} examples; at least one is needed.", "train");
        Options = options;
        ExampleCount = exampleCount;
        BatchesPerEpoch = (exampleCount + options.BatchSize - 1) / options.BatchSize;
        StepsPerEpoch = (BatchesPerEpoch + options.GradientAccumulationSteps - 1) / options.GradientAccumulationSteps;
        TotalSteps = options.MaxSteps ?? (long)options.Epochs * StepsPerEpoch;
    }

    public QFormerTrainingOptions Options { get; }

    public int ExampleCount { get; }

    public int BatchesPerEpoch { get; }

    public int StepsPerEpoch { get; }

    public long TotalSteps { get; }
}
