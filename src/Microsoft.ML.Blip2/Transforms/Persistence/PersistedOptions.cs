using Microsoft.ML.Blip2.Generation;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>The options of any BLIP-2 estimator as stored in the manifest (task-specific members are null for other tasks).</summary>
internal sealed record PersistedOptions
{
    public required string ModelDirectory { get; init; }

    public required string ImageColumnName { get; init; }

    public required string OutputColumnName { get; init; }

    public required int BatchSize { get; init; }

    public required string Device { get; init; }

    public required ScalarType DType { get; init; }

    public int? Threads { get; init; }

    public required bool FailOnBadImage { get; init; }

    public string? StatusColumnName { get; init; }

    public required WeightStorage WeightStorage { get; init; }

    public string? BaseModelDirectory { get; init; }

    public GenerationOptions? Generation { get; init; }

    public string? TokenIdsColumnName { get; init; }

    public string? SequenceScoreColumnName { get; init; }

    public string? Prompt { get; init; }

    public string? QuestionColumnName { get; init; }

    public string? PromptTemplate { get; init; }

    public string? TextColumnName { get; init; }

    public ImageTextMatchingMode? Mode { get; init; }

    /// <summary>Captures <paramref name="options"/>.</summary>
    public static PersistedOptions From(Blip2TransformOptions options)
    {
        var generation = options as Blip2TextGenerationOptions;
        return new PersistedOptions
        {
            ModelDirectory = options.ModelDirectory,
            ImageColumnName = options.ImageColumnName,
            OutputColumnName = options.OutputColumnName,
            BatchSize = options.BatchSize,
            Device = options.Device,
            DType = options.DType,
            Threads = options.Threads,
            FailOnBadImage = options.FailOnBadImage,
            StatusColumnName = options.StatusColumnName,
            WeightStorage = options.WeightStorage,
            BaseModelDirectory = options.BaseModelDirectory,
            Generation = generation?.Generation,
            TokenIdsColumnName = generation?.TokenIdsColumnName,
            SequenceScoreColumnName = generation?.SequenceScoreColumnName,
            Prompt = (options as ImageCaptioningEstimator.Options)?.Prompt,
            QuestionColumnName = (options as VqaEstimator.Options)?.QuestionColumnName,
            PromptTemplate = (options as VqaEstimator.Options)?.PromptTemplate,
            TextColumnName = (options as ImageTextMatchingEstimator.Options)?.TextColumnName,
            Mode = (options as ImageTextMatchingEstimator.Options)?.Mode,
        };
    }

    /// <summary>The estimator options of <paramref name="task"/>, validated; bad values throw <see cref="InvalidDataException"/>.</summary>
    public Blip2TransformOptions ToOptions(Blip2TaskKind task)
    {
        Blip2TransformOptions options = task switch
        {
            Blip2TaskKind.ImageCaptioning => WithGeneration(new ImageCaptioningEstimator.Options { Prompt = Prompt }),
            Blip2TaskKind.VisualQuestionAnswering => WithGeneration(new VqaEstimator.Options
            {
                QuestionColumnName = QuestionColumnName ?? string.Empty,
                PromptTemplate = PromptTemplate ?? string.Empty,
            }),
            Blip2TaskKind.ImageTextMatching => new ImageTextMatchingEstimator.Options
            {
                TextColumnName = TextColumnName ?? string.Empty,
                Mode = Mode ?? (ImageTextMatchingMode)(-1),
            },
            _ => throw new InvalidDataException($"Unknown BLIP-2 task '{task}' in the saved model."),
        };
        options.ModelDirectory = ModelDirectory;
        options.ImageColumnName = ImageColumnName;
        options.OutputColumnName = OutputColumnName;
        options.BatchSize = BatchSize;
        options.Device = Device;
        options.DType = DType;
        options.Threads = Threads;
        options.FailOnBadImage = FailOnBadImage;
        options.StatusColumnName = StatusColumnName;
        options.WeightStorage = WeightStorage;
        options.BaseModelDirectory = BaseModelDirectory;
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The saved BLIP-2 options are invalid: {e.Message}", e);
        }

        return options;
    }

    private Blip2TextGenerationOptions WithGeneration(Blip2TextGenerationOptions options)
    {
        options.Generation = Generation;
        options.TokenIdsColumnName = TokenIdsColumnName;
        options.SequenceScoreColumnName = SequenceScoreColumnName;
        return options;
    }
}
