using Blip2.Trainers.Data;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Processing;
using Microsoft.ML.Blip2.Transforms.Training;

namespace Blip2.Trainers.MLNet;

/// <summary>
/// Fine-tunes BLIP-2 inside ML.NET's <c>Fit</c> with <see cref="QFormerTrainer"/>: the rows the estimator prepared
/// become <see cref="TrainingExample"/>s, shuffled with <see cref="QFormerTrainingOptions.Seed"/> and collated for the
/// checkpoint's language model (captioning / VQA: language-modelling loss) or as Q-Former texts (retrieval: the
/// <see cref="QFormerTrainingOptions.RetrievalObjectives"/>, ITC + ITM by default, with in-batch negatives, so batches
/// need at least two rows).
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
    public void FineTune(Blip2ForConditionalGeneration model, IReadOnlyList<Blip2FineTuningExample> examples, Blip2FineTuningContext context)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(context);
        var batches = Batches(examples, TrainingCollators.ForLanguageModeling(model.Config));
        Run(context, Options, (trainer, log) => trainer.Train(model, batches, validation: null, log, context.CancellationToken));
    }

    /// <inheritdoc />
    /// <remarks>
    /// With <see cref="RetrievalObjectives.ImageGroundedTextGeneration"/> and no
    /// <see cref="QFormerTrainingOptions.TextGenerationStartTokenId"/>, the decoder start is the tokenizer's bos token
    /// (<c>[DEC]</c> in the BLIP-2 Q-Former tokenizer, as in LAVIS).
    /// </remarks>
    /// <exception cref="InvalidOperationException">ITG is requested but neither the options nor the tokenizer name a start token.</exception>
    public void FineTune(Blip2ForImageTextRetrieval model, IReadOnlyList<Blip2FineTuningExample> examples, Blip2FineTuningContext context)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(context);
        long padId = model.Config.QFormerConfig.PadTokenId
            ?? throw new InvalidOperationException("qformer_config.pad_token_id is not set; retrieval batches need it for padding.");
        var options = Options;
        if (options.RetrievalObjectives.HasFlag(RetrievalObjectives.ImageGroundedTextGeneration) && options.TextGenerationStartTokenId is null)
        {
            long start = context.Tokenizer.BosTokenId ?? throw new InvalidOperationException(
                $"Image-grounded text generation needs a decoder start token: the Q-Former tokenizer has no bos_token (LAVIS adds [DEC] after the BERT vocabulary: id 30522 for bert-base-uncased); set QFormerTrainingOptions.{nameof(QFormerTrainingOptions.TextGenerationStartTokenId)}.");
            options = options with { TextGenerationStartTokenId = start };
        }
        var batches = Batches(examples, new RetrievalTextCollator(padId));
        Run(context, options, (trainer, log) => trainer.Train(model, batches, validation: null, log, context.CancellationToken));
    }

    // Progress goes to the ML.NET channel and to the caller's progress, in that order, on the training thread.
    private void Run(Blip2FineTuningContext context, QFormerTrainingOptions options, Func<QFormerTrainer, IProgress<TrainingProgress>, TrainingResult> train)
    {
        var log = new ChannelTrainingLog(context.Channel);
        var both = new CombinedProgress(log, progress);
        LastResult = train(new QFormerTrainer(options), both);
        log.Finished(LastResult);
    }

    private sealed class CombinedProgress(IProgress<TrainingProgress> first, IProgress<TrainingProgress>? second) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            first.Report(value);
            second?.Report(value);
        }
    }

    private InMemoryBatchSource Batches(IReadOnlyList<Blip2FineTuningExample> examples, ITokenCollator collator) =>
        new(examples.Select(e => new TrainingExample(e.PixelValues, new TokenizedExample(e.PromptIds, e.TargetIds))).ToList(),
            collator, shuffle: true, seed: Options.Seed);
}
