using Blip2.Trainers.Data;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Transforms.Training;

namespace Blip2.Trainers.MLNet;

/// <summary>
/// Fine-tunes captioning / VQA models inside ML.NET's <c>Fit</c> with <see cref="QFormerTrainer"/>: the rows the estimator
/// prepared become <see cref="TrainingExample"/>s, collated for the checkpoint's language model and shuffled with
/// <see cref="QFormerTrainingOptions.Seed"/>.
/// </summary>
public sealed class QFormerFineTuner : IBlip2FineTuner
{
    private readonly IProgress<TrainingProgress>? progress;

    /// <summary>Creates the fine-tuner; the options are validated.</summary>
    /// <param name="options">Training settings.</param>
    /// <param name="progress">Receives a report after every optimizer step, or null.</param>
    /// <exception cref="ArgumentException">An option is invalid (named in the message).</exception>
    public QFormerFineTuner(QFormerTrainingOptions options, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        this.progress = progress;
    }

    /// <summary>The training settings.</summary>
    public QFormerTrainingOptions Options { get; }

    /// <summary>The outcome of the latest <see cref="FineTune"/> call (loss history, steps, stop reason), or null before the first.</summary>
    public TrainingResult? LastResult { get; private set; }

    /// <inheritdoc />
    public void FineTune(Blip2ForConditionalGeneration model, IReadOnlyList<Blip2FineTuningExample> examples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        var training = examples.Select(e => new TrainingExample(e.PixelValues, new TokenizedExample(e.PromptIds, e.TargetIds))).ToList();
        var batches = new InMemoryBatchSource(training, TrainingCollators.ForLanguageModeling(model.Config), shuffle: true, seed: Options.Seed);
        LastResult = new QFormerTrainer(Options).Train(model, batches, validation: null, progress, cancellationToken);
    }
}
