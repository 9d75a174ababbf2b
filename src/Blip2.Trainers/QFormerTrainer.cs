using Blip2.Trainers.Data;
using Microsoft.ML.Blip2.Modeling;

namespace Blip2.Trainers;

/// <summary>
/// Fine-tunes BLIP-2 on your data with the Q-Former recipe (vision encoder and language model frozen by default):
/// captioning / VQA for <see cref="Blip2ForConditionalGeneration"/>, the stage-1 losses of
/// <see cref="QFormerTrainingOptions.RetrievalObjectives"/> (ITC + ITM by default, ITG optional) for
/// <see cref="Blip2ForImageTextRetrieval"/>. Handles epochs, gradient accumulation, schedule, validation, early
/// stopping, checkpoints, progress and cancellation; the step-level work is done by a <see cref="QFormerTrainingSession"/>.
/// </summary>
/// <example>
/// <code>
/// using var model = Blip2ForConditionalGeneration.FromPretrained("blip2-opt-2.7b");
/// var collator = TrainingCollators.ForLanguageModeling(model.Config);
/// var train = new InMemoryBatchSource(examples, collator, shuffle: true, seed: 1);
/// var trainer = new QFormerTrainer(new QFormerTrainingOptions { LearningRate = 1e-5, Epochs = 5, BatchSize = 8 });
/// TrainingResult result = trainer.Train(model, train, validation, new Progress&lt;TrainingProgress&gt;(p =&gt; Console.WriteLine(p.Loss)));
/// </code>
/// </example>
public sealed class QFormerTrainer
{
    /// <summary>Creates a trainer; the options are validated.</summary>
    /// <exception cref="ArgumentException">An option is invalid (named in the message).</exception>
    public QFormerTrainer(QFormerTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The options.</summary>
    public QFormerTrainingOptions Options { get; }

    /// <summary>Optimizer steps a run over <paramref name="train"/> takes: <see cref="QFormerTrainingOptions.MaxSteps"/>, or epochs × steps per epoch.</summary>
    public long TotalSteps(ITrainingBatchSource train)
    {
        ArgumentNullException.ThrowIfNull(train);
        return new TrainingPlan(Options, train.ExampleCount).TotalSteps;
    }

    /// <summary>Trains a captioning / VQA model from scratch position (its current weights).</summary>
    /// <param name="model">The model; trained in place.</param>
    /// <param name="train">Training batches (with labels).</param>
    /// <param name="validation">Validation batches, or null.</param>
    /// <param name="progress">Receives a report after every step.</param>
    /// <param name="cancellationToken">Stops training cleanly between two steps (a checkpoint is written when a checkpoint directory is set).</param>
    public TrainingResult Train(Blip2ForConditionalGeneration model, ITrainingBatchSource train, ITrainingBatchSource? validation = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(total => QFormerTrainingSession.Create(model, Options, total), null, train, validation, progress, cancellationToken);

    /// <summary>Trains an image–text retrieval model (the losses of <see cref="QFormerTrainingOptions.RetrievalObjectives"/>).</summary>
    /// <inheritdoc cref="Train(Blip2ForConditionalGeneration, ITrainingBatchSource, ITrainingBatchSource?, IProgress{TrainingProgress}?, CancellationToken)"/>
    public TrainingResult Train(Blip2ForImageTextRetrieval model, ITrainingBatchSource train, ITrainingBatchSource? validation = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(total => QFormerTrainingSession.Create(model, Options, total), null, train, validation, progress, cancellationToken);

    /// <summary>
    /// Continues a run from <paramref name="checkpoint"/> (a <c>step-NNNNNNNN</c> folder): the trained parameters,
    /// optimizer state, schedule step and data position are restored, so with the same model, data and options the
    /// final weights equal those of an uninterrupted run.
    /// </summary>
    /// <param name="checkpoint">The checkpoint folder.</param>
    /// <param name="model">The model as it was before training started (e.g. freshly loaded); trained in place.</param>
    /// <param name="train">The same training data as the interrupted run.</param>
    /// <param name="validation">Validation batches, or null.</param>
    /// <param name="progress">Receives a report after every step.</param>
    /// <param name="cancellationToken">Stops training cleanly between two steps.</param>
    public TrainingResult Resume(string checkpoint, Blip2ForConditionalGeneration model, ITrainingBatchSource train,
        ITrainingBatchSource? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpoint);
        return Run(total => QFormerTrainingSession.Create(model, Options, total), checkpoint, train, validation, progress, cancellationToken);
    }

    /// <summary>Continues an image–text retrieval run from a checkpoint.</summary>
    /// <inheritdoc cref="Resume(string, Blip2ForConditionalGeneration, ITrainingBatchSource, ITrainingBatchSource?, IProgress{TrainingProgress}?, CancellationToken)"/>
    public TrainingResult Resume(string checkpoint, Blip2ForImageTextRetrieval model, ITrainingBatchSource train,
        ITrainingBatchSource? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpoint);
        return Run(total => QFormerTrainingSession.Create(model, Options, total), checkpoint, train, validation, progress, cancellationToken);
    }

    private TrainingResult Run(Func<long, QFormerTrainingSession> createSession, string? checkpoint, ITrainingBatchSource train,
        ITrainingBatchSource? validation, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (validation is null && Options.EarlyStoppingPatience is not null)
            throw new ArgumentException($"{nameof(QFormerTrainingOptions.EarlyStoppingPatience)} is set but no validation data was given.", nameof(validation));
        if (validation is null && Options.ValidateEverySteps is not null)
            throw new ArgumentException($"{nameof(QFormerTrainingOptions.ValidateEverySteps)} is set but no validation data was given.", nameof(validation));
        var plan = new TrainingPlan(Options, train.ExampleCount);
        using var session = createSession(plan.TotalSteps);
        var loop = new TrainingLoop(session, plan, train, validation, progress, cancellationToken);
        if (checkpoint is not null) loop.RestoreFrom(checkpoint);
        return loop.Run();
    }
}
