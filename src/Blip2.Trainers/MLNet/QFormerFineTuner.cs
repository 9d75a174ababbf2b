using Blip2.Trainers.Data;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Transforms.Training;

namespace Blip2.Trainers.MLNet;

/// <summary>
/// Fine-tunes BLIP-2 inside ML.NET's <c>Fit</c> with <see cref="QFormerTrainer"/>: the rows the estimator prepared
/// become <see cref="TrainingExample"/>s, shuffled with <see cref="QFormerTrainingOptions.Seed"/> and collated for the
/// checkpoint's language model (captioning / VQA: language-modelling loss) or as Q-Former texts (retrieval: ITC + ITM
/// with in-batch negatives, so batches need at least two rows).
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

    /// <summary>The outcome of the latest <c>FineTune</c> call (loss history, steps, stop reason), or null before the first.</summary>
    public TrainingResult? LastResult { get; private set; }

    /// <inheritdoc />
    public void FineTune(Blip2ForConditionalGeneration model, IReadOnlyList<Blip2FineTuningExample> examples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        var batches = Batches(examples, TrainingCollators.ForLanguageModeling(model.Config));
        LastResult = new QFormerTrainer(Options).Train(model, batches, validation: null, progress, cancellationToken);
    }

    /// <inheritdoc />
    public void FineTune(Blip2ForImageTextRetrieval model, IReadOnlyList<Blip2FineTuningExample> examples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        long padId = model.Config.QFormerConfig.PadTokenId
            ?? throw new InvalidOperationException("qformer_config.pad_token_id is not set; retrieval batches need it for padding.");
        var batches = Batches(examples, new RetrievalTextCollator(padId));
        LastResult = new QFormerTrainer(Options).Train(model, batches, validation: null, progress, cancellationToken);
    }

    private InMemoryBatchSource Batches(IReadOnlyList<Blip2FineTuningExample> examples, ITokenCollator collator) =>
        new(examples.Select(e => new TrainingExample(e.PixelValues, new TokenizedExample(e.PromptIds, e.TargetIds))).ToList(),
            collator, shuffle: true, seed: Options.Seed);
}
