using System.Globalization;
using Microsoft.ML.Blip2.Transforms.Persistence;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Blip2.Transforms;

/// <summary>From estimator options to tasks and transformers: the one place that knows the three kinds.</summary>
internal static class Blip2Tasks
{
    /// <summary>The kind of task <paramref name="options"/> configure.</summary>
    public static Blip2TaskKind KindOf(Blip2TransformOptions options) => options switch
    {
        ImageCaptioningEstimator.Options => Blip2TaskKind.ImageCaptioning,
        VqaEstimator.Options => Blip2TaskKind.VisualQuestionAnswering,
        ImageTextMatchingEstimator.Options => Blip2TaskKind.ImageTextMatching,
        _ => throw new ArgumentException($"Unknown options type {options.GetType().Name}.", nameof(options)),
    };

    /// <summary>The text input column of the task, if any.</summary>
    public static string? TextColumnOf(Blip2TransformOptions options) => options switch
    {
        VqaEstimator.Options vqa => vqa.QuestionColumnName,
        ImageTextMatchingEstimator.Options matching => matching.TextColumnName,
        _ => null,
    };

    /// <summary>The columns the task adds, main output first; throws <see cref="ArgumentException"/> on duplicate names.</summary>
    public static IReadOnlyList<OutputColumn> OutputsOf(Blip2TransformOptions options)
    {
        var outputs = new List<OutputColumn>
        {
            new(options.OutputColumnName, options is ImageTextMatchingEstimator.Options ? OutputValue.MatchScore : OutputValue.Text),
        };
        if (options.StatusColumnName is { } status) outputs.Add(new(status, OutputValue.Status));
        if (options is Blip2TextGenerationOptions generation)
        {
            if (generation.TokenIdsColumnName is { } ids) outputs.Add(new(ids, OutputValue.TokenIds));
            if (generation.SequenceScoreColumnName is { } score) outputs.Add(new(score, OutputValue.SequenceScore));
        }

        var duplicate = outputs.GroupBy(o => o.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Output column name '{duplicate.Key}' is used for more than one output.", nameof(options));
        return outputs;
    }

    /// <summary>Each row's prompt for text generation; null when the model generates from its start token alone.</summary>
    public static Func<RowInput, string>? PromptOf(Blip2TextGenerationOptions options) => options switch
    {
        ImageCaptioningEstimator.Options captioning => string.IsNullOrEmpty(captioning.Prompt) ? null : _ => captioning.Prompt,
        VqaEstimator.Options vqa => row => string.Format(CultureInfo.InvariantCulture, vqa.PromptTemplate, row.Text),
        _ => throw new ArgumentException($"Unknown options type {options.GetType().Name}.", nameof(options)),
    };

    /// <summary>Loads the model of <paramref name="source"/> for the task <paramref name="options"/> describe.</summary>
    public static Blip2Task Load(Blip2TransformOptions options, ModelSource source) => options switch
    {
        ImageCaptioningEstimator.Options captioning => TextGenerationTask.Load(Blip2TaskKind.ImageCaptioning, captioning, source,
            PromptOf(captioning), textColumnName: null),
        VqaEstimator.Options vqa => TextGenerationTask.Load(Blip2TaskKind.VisualQuestionAnswering, vqa, source,
            PromptOf(vqa), vqa.QuestionColumnName),
        ImageTextMatchingEstimator.Options matching => ImageTextMatchingTask.Load(matching, source),
        _ => throw new ArgumentException($"Unknown options type {options.GetType().Name}.", nameof(options)),
    };

    /// <summary>Loads the task from <paramref name="source"/> (disposed when loading fails) and wraps it in its transformer.</summary>
    public static Blip2TransformerBase CreateTransformer(Blip2TransformOptions options, ModelSource source)
    {
        Blip2Task task;
        try
        {
            task = Load(options, source);
        }
        catch
        {
            source.Dispose();
            throw;
        }

        return task.Kind switch
        {
            Blip2TaskKind.ImageCaptioning => new ImageCaptioningTransformer(task),
            Blip2TaskKind.VisualQuestionAnswering => new VqaTransformer(task),
            _ => new ImageTextMatchingTransformer(task),
        };
    }

    /// <summary>
    /// What <c>Fit</c> does: checks the input columns, fine-tunes when the options carry a fine-tuner (logging to a
    /// channel of <paramref name="host"/>), opens the model directory and loads the model.
    /// </summary>
    public static Blip2TransformerBase Fit(Blip2TransformOptions options, IDataView input, IHost host)
    {
        ArgumentNullException.ThrowIfNull(input);
        Data.InputBinding.Bind(input.Schema, options.ImageColumnName, TextColumnOf(options));
        if (options.FineTunes)
            return CreateTransformer(options, Training.FineTuningFit.Train(options, input, host));
        return CreateTransformer(options, ModelSource.Open(options.ModelDirectory));
    }

    /// <summary>What <c>GetOutputSchema</c> of an estimator does: checks the input shape and the model files, adds the outputs.</summary>
    public static SchemaShape GetOutputSchema(Blip2TransformOptions options, SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        Data.InputBinding.Check(inputSchema, options.ImageColumnName, TextColumnOf(options));
        if (options is Blip2TextGenerationOptions { LabelColumnName: { } label })
            Data.InputBinding.CheckLabel(inputSchema, label);
        ModelSource.CheckFiles(options.ModelDirectory);
        return Data.OutputSchemas.Append(inputSchema, OutputsOf(options));
    }
}
