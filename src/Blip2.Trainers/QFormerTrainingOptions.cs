using System.Globalization;

namespace Blip2.Trainers;

/// <summary>
/// Every setting of a Q-Former fine-tuning run. Immutable: derive variants with <c>with</c>. <see cref="Validate"/>
/// (called by every trainer entry point) rejects a bad value with an <see cref="ArgumentException"/> whose
/// <see cref="ArgumentException.ParamName"/> and message name the option.
/// </summary>
public sealed record QFormerTrainingOptions
{
    /// <summary>Peak learning rate (after warmup). Default 1e-5, the LAVIS BLIP-2 fine-tuning rate.</summary>
    public double LearningRate { get; init; } = 1e-5;

    /// <summary>Rate the linear or cosine decay ends at. Default 0.</summary>
    public double MinLearningRate { get; init; }

    /// <summary>AdamW β₁ (first-moment decay). Default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>AdamW β₂ (second-moment decay). Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>AdamW ε added to the denominator. Default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Decoupled weight decay λ: each update first multiplies a parameter by 1 − lr·λ. Default 0.05.</summary>
    public double WeightDecay { get; init; } = 0.05;

    /// <summary>
    /// False (default): parameters with fewer than two dimensions (biases, LayerNorm weights, the contrastive
    /// temperature) get no weight decay, as in LAVIS. True: every trainable parameter is decayed (one parameter group,
    /// like <c>torch.optim.AdamW(model.parameters())</c>).
    /// </summary>
    public bool DecayBiasAndNorm { get; init; }

    /// <summary>Optimizer steps of linear warmup from 0 to <see cref="LearningRate"/>. Default 0.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>The decay after warmup. Default <see cref="LearningRateScheduleKind.Cosine"/>.</summary>
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Cosine;

    /// <summary>Clip gradients to this global L2 norm before each update; null (default) = no clipping.</summary>
    public double? MaxGradientNorm { get; init; }

    /// <summary>Batches whose gradients are summed into one optimizer step. Default 1.</summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>Examples per batch (per forward pass). Default 8.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Passes over the training data. Default 1. Ignored when <see cref="MaxSteps"/> is set.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>When set, training runs exactly this many optimizer steps, over as many epochs as that takes.</summary>
    public long? MaxSteps { get; init; }

    /// <summary>Seed of the data order and of every random choice (hard-negative sampling). Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>What stays frozen. Default: vision encoder and language model.</summary>
    public FrozenComponents Freeze { get; init; } = FrozenComponents.VisionAndLanguageModel;

    /// <summary>
    /// Keep the frozen vision encoder's output per example in memory after its first computation, so later epochs skip
    /// the vision encoder. Only valid with a frozen vision encoder and when images are not augmented (the cache is
    /// keyed by <see cref="Data.TrainingBatch.ImageKeys"/>).
    /// </summary>
    public bool CacheImageFeatures { get; init; }

    /// <summary>Evaluate on the validation data every this many optimizer steps; null = at the end of each epoch.</summary>
    public int? ValidateEverySteps { get; init; }

    /// <summary>Stop after this many consecutive validations without a lower validation loss; null = never stop early.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Write a checkpoint every this many optimizer steps (needs <see cref="CheckpointDirectory"/>); null = none.</summary>
    public int? CheckpointEverySteps { get; init; }

    /// <summary>Folder that receives <c>step-NNNNNNNN</c> checkpoint folders (also written when training is cancelled).</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Initial value of the learnable image–text contrastive temperature (retrieval training). Default 0.07 (LAVIS).</summary>
    public double ContrastiveTemperature { get; init; } = 0.07;

    /// <summary>Label smoothing of the image–text contrastive cross-entropies (retrieval training). Default 0.1 (LAVIS).</summary>
    public double ContrastiveLabelSmoothing { get; init; } = 0.1;

    /// <summary>
    /// The losses of retrieval training. Default <see cref="RetrievalObjectives.ContrastiveAndMatching"/> (ITC + ITM);
    /// <see cref="RetrievalObjectives.All"/> adds ITG, LAVIS's full stage-1 objective.
    /// </summary>
    public RetrievalObjectives RetrievalObjectives { get; init; } = RetrievalObjectives.ContrastiveAndMatching;

    /// <summary>
    /// The token id that replaces the first text token (<c>[CLS]</c>) as the decoder start of ITG — LAVIS uses the
    /// Q-Former tokenizer's <c>bos_token</c> <c>[DEC]</c>. Null: ML.NET fine-tuning takes the tokenizer's bos token;
    /// <see cref="QFormerTrainer"/> and <see cref="QFormerTrainingSession"/> require it when ITG is trained.
    /// </summary>
    public long? TextGenerationStartTokenId { get; init; }

    /// <summary>Label smoothing of the ITG token cross-entropy (retrieval training). Default 0.1 (LAVIS <c>BertLMHeadModel</c>).</summary>
    public double TextGenerationLabelSmoothing { get; init; } = 0.1;

    /// <summary>Checks every option; throws naming the first bad one.</summary>
    /// <exception cref="ArgumentException">An option is out of range or inconsistent with another.</exception>
    public void Validate()
    {
        RequireFinite(LearningRate, nameof(LearningRate), min: 0, minExclusive: true);
        RequireFinite(MinLearningRate, nameof(MinLearningRate), min: 0);
        if (MinLearningRate > LearningRate)
            throw Bad(nameof(MinLearningRate), MinLearningRate, $"must not exceed {nameof(LearningRate)} ({Format(LearningRate)})");
        RequireProbability(Beta1, nameof(Beta1));
        RequireProbability(Beta2, nameof(Beta2));
        RequireFinite(Epsilon, nameof(Epsilon), min: 0, minExclusive: true);
        RequireFinite(WeightDecay, nameof(WeightDecay), min: 0);
        if (WeightDecay * LearningRate >= 1)
            throw Bad(nameof(WeightDecay), WeightDecay, $"times {nameof(LearningRate)} must be below 1 (each update multiplies parameters by 1 − lr·decay)");
        if (WarmupSteps < 0) throw Bad(nameof(WarmupSteps), WarmupSteps, "must be 0 or more");
        if (!Enum.IsDefined(Schedule)) throw Bad(nameof(Schedule), Schedule, "is not a defined schedule");
        if (MaxGradientNorm is double norm) RequireFinite(norm, nameof(MaxGradientNorm), min: 0, minExclusive: true);
        if (GradientAccumulationSteps < 1) throw Bad(nameof(GradientAccumulationSteps), GradientAccumulationSteps, "must be at least 1");
        if (BatchSize < 1) throw Bad(nameof(BatchSize), BatchSize, "must be at least 1");
        if (Epochs < 1) throw Bad(nameof(Epochs), Epochs, "must be at least 1");
        if (MaxSteps is < 1) throw Bad(nameof(MaxSteps), MaxSteps, "must be at least 1 when set");
        if ((Freeze & ~FrozenComponents.VisionAndLanguageModel) != 0) throw Bad(nameof(Freeze), Freeze, "has undefined flags");
        if (CacheImageFeatures && !Freeze.HasFlag(FrozenComponents.VisionModel))
            throw Bad(nameof(CacheImageFeatures), CacheImageFeatures, $"needs a frozen vision encoder ({nameof(Freeze)} includes {nameof(FrozenComponents.VisionModel)}); a trained encoder changes its features every step");
        if (ValidateEverySteps is < 1) throw Bad(nameof(ValidateEverySteps), ValidateEverySteps, "must be at least 1 when set");
        if (EarlyStoppingPatience is < 1) throw Bad(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "must be at least 1 when set");
        if (CheckpointEverySteps is < 1) throw Bad(nameof(CheckpointEverySteps), CheckpointEverySteps, "must be at least 1 when set");
        if (CheckpointEverySteps is not null && string.IsNullOrWhiteSpace(CheckpointDirectory))
            throw Bad(nameof(CheckpointDirectory), CheckpointDirectory, $"must be set when {nameof(CheckpointEverySteps)} is set");
        RequireFinite(ContrastiveTemperature, nameof(ContrastiveTemperature), min: 0, minExclusive: true);
        RequireFinite(ContrastiveLabelSmoothing, nameof(ContrastiveLabelSmoothing), min: 0);
        if (ContrastiveLabelSmoothing >= 1) throw Bad(nameof(ContrastiveLabelSmoothing), ContrastiveLabelSmoothing, "must be below 1");
        if (RetrievalObjectives == 0 || (RetrievalObjectives & ~RetrievalObjectives.All) != 0)
            throw Bad(nameof(RetrievalObjectives), RetrievalObjectives, "must name at least one defined loss");
        if (TextGenerationStartTokenId is < 0) throw Bad(nameof(TextGenerationStartTokenId), TextGenerationStartTokenId, "must be a token id (0 or more) when set");
        RequireFinite(TextGenerationLabelSmoothing, nameof(TextGenerationLabelSmoothing), min: 0);
        if (TextGenerationLabelSmoothing >= 1) throw Bad(nameof(TextGenerationLabelSmoothing), TextGenerationLabelSmoothing, "must be below 1");
    }

    private static void RequireFinite(double value, string name, double min, bool minExclusive = false)
    {
        if (!double.IsFinite(value)) throw Bad(name, value, "must be a finite number");
        if (minExclusive ? value <= min : value < min)
            throw Bad(name, value, minExclusive ? $"must be greater than {Format(min)}" : $"must be at least {Format(min)}");
    }

    private static void RequireProbability(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0 || value >= 1) throw Bad(name, value, "must be in [0, 1)");
    }

    private static ArgumentException Bad(string name, object? value, string rule) =>
        new($"QFormerTrainingOptions.{name} = {Format(value)} {rule}.", name);

    private static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
