using Blip2.Trainers.Data;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Modeling.Layers;

namespace Blip2.Trainers.Tests;

/// <summary>A small captioning or retrieval run used by the resume and cancellation tests.</summary>
public sealed class TrainingScenario : IDisposable
{
    private readonly List<TrainingExample> _examples;

    /// <summary>20 examples, batches of 4 accumulated in pairs (3 steps per epoch, the last of one batch), 3 epochs.</summary>
    public TrainingScenario(bool retrieval)
    {
        Retrieval = retrieval;
        _examples = retrieval ? RetrievalExamples() : RandomExamples.Make(20, seed: 31);
        ITokenCollator collator = retrieval ? new RetrievalTextCollator(0) : TrainingCollators.ForLanguageModeling(TinyBlip2.OptConfig());
        Source = new InMemoryBatchSource(_examples, collator, shuffle: true, seed: 8);
    }

    /// <summary>True for the ITC + ITM + ITG scenario.</summary>
    public bool Retrieval { get; }

    /// <summary>The training data.</summary>
    public InMemoryBatchSource Source { get; }

    /// <summary>Options touching every part of the state: warmup + cosine, clipping, accumulation, shuffling.</summary>
    public QFormerTrainingOptions Options(string? checkpointDirectory, int? checkpointEvery) => new()
    {
        LearningRate = 2e-3,
        WarmupSteps = 2,
        Schedule = LearningRateScheduleKind.Cosine,
        MaxGradientNorm = 0.5,
        BatchSize = 4,
        GradientAccumulationSteps = 2,
        Epochs = 3,
        Seed = 7,
        CheckpointDirectory = checkpointDirectory,
        CheckpointEverySteps = checkpointEvery,
        // Retrieval: all three stage-1 losses, so checkpoints carry the ITG head too ([DEC] = 3 in the tiny vocabulary).
        RetrievalObjectives = RetrievalObjectives.All,
        TextGenerationStartTokenId = Retrieval ? 3 : null,
    };

    /// <summary>A fresh model (always the same weights).</summary>
    public Blip2Module CreateModel() => Retrieval ? TinyBlip2.CreateRetrieval() : TinyBlip2.CreateOpt();

    /// <summary>Trains <paramref name="model"/> from its current weights.</summary>
    public TrainingResult Train(QFormerTrainer trainer, Blip2Module model, IProgress<TrainingProgress>? progress = null,
        CancellationToken token = default, ITrainingBatchSource? validation = null) =>
        model switch
        {
            Blip2ForConditionalGeneration m => trainer.Train(m, Source, validation, progress, token),
            Blip2ForImageTextRetrieval m => trainer.Train(m, Source, validation, progress, token),
            _ => throw new ArgumentException(model.GetType().Name),
        };

    /// <summary>Resumes from <paramref name="checkpoint"/>.</summary>
    public TrainingResult Resume(QFormerTrainer trainer, string checkpoint, Blip2Module model) =>
        model switch
        {
            Blip2ForConditionalGeneration m => trainer.Resume(checkpoint, m, Source),
            Blip2ForImageTextRetrieval m => trainer.Resume(checkpoint, m, Source),
            _ => throw new ArgumentException(model.GetType().Name),
        };

    /// <inheritdoc />
    public void Dispose() => SyntheticShapes.Dispose(_examples);

    // Captions as Q-Former text: [CLS]=1, colour, shape, [SEP]=2.
    private static List<TrainingExample> RetrievalExamples() =>
        SyntheticShapes.Make(perCombination: 3, seed: 32).Take(20)
            .Select(e => e with { Text = new TokenizedExample([1], [.. e.Text.AnswerIds, 2]) }).ToList();
}
