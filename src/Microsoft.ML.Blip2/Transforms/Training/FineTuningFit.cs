using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Modeling.Layers;
using Microsoft.ML.Blip2.Processing;
using Microsoft.ML.Blip2.Transforms.Data;
using Microsoft.ML.Blip2.Transforms.Persistence;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Transforms.Training;

/// <summary>
/// What <c>Fit</c> does when the options carry a fine-tuner: reads the training rows, prepares them with the
/// checkpoint's own image processor and tokenizer, lets the fine-tuner train the loaded model, and writes the result
/// as a Hugging Face directory the transformer then loads (so saving and loading work as for any checkpoint).
/// </summary>
internal static class FineTuningFit
{
    /// <summary>Trains and returns the source of the fine-tuned model (a temporary folder deleted with the transformer).</summary>
    /// <param name="options">The estimator's options (with the fine-tuner).</param>
    /// <param name="input">The training rows.</param>
    /// <param name="host">The estimator's host: a channel named "Fine-tuning" logs what happens (and the fine-tuner's progress).</param>
    /// <exception cref="ArgumentOutOfRangeException">The label column is missing or not text.</exception>
    /// <exception cref="ImageRowException">A training row's image cannot be read.</exception>
    public static ModelSource Train(Blip2TransformOptions options, IDataView input, IHost host)
    {
        using var channel = host.Start("Fine-tuning");
        var source = Train(options, input, channel);
        channel.Info(MessageSensitivity.None, $"Fine-tuned model written to {source.Directory}.");
        return source;
    }

    private static ModelSource Train(Blip2TransformOptions options, IDataView input, IChannel channel)
    {
        var generation = options as Blip2TextGenerationOptions;
        var label = generation is null ? (DataViewSchema.Column?)null : InputBinding.BindLabel(input.Schema, generation.LabelColumnName!);
        var binding = InputBinding.Bind(input.Schema, options.ImageColumnName, Blip2Tasks.TextColumnOf(options));
        var original = ModelSource.Open(options.ModelDirectory);
        original.Dispose(); // only the file checks are needed; the original directory is never owned.

        var device = new Device(options.Device);
        if (options.Threads is int threads)
            set_num_threads(threads);
        var preparer = Blip2InputPreparer.Load(original.Directory, imageTokens: null);
        // Captioning / VQA: prompt (template) and label without special tokens, the collator adds them. Retrieval: the
        // row's text encoded as at prediction time ([CLS] … [SEP]).
        Func<RowInput, string, (long[] Prompt, long[] Target)> tokenize = generation is null
            ? (row, _) => ([], Ids(preparer, row.Text!, addSpecialTokens: true))
            : PromptAndTarget(preparer, Blip2Tasks.PromptOf(generation));

        var pixels = new List<Tensor>();
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var examples = ReadExamples(input, binding, label, preparer, tokenize, options, device, pixels);
            if (examples.Count == 0)
                throw new ArgumentException("The training data has no rows: nothing to fine-tune on.", nameof(input));
            channel.Info(MessageSensitivity.None,
                $"Prepared {examples.Count} training rows of column '{options.ImageColumnName}' in {clock.Elapsed.TotalSeconds:F1} s; fine-tuning {original.Directory}.");
            Blip2Module model = generation is null
                ? Blip2ForImageTextRetrieval.FromPretrained(original.Directory, device, options.DType)
                : Blip2ForConditionalGeneration.FromPretrained(original.Directory, device, options.DType);
            using (model)
            {
                var context = new Blip2FineTuningContext(preparer.Tokenizer, channel, options.FineTuningCancellation);
                if (model is Blip2ForImageTextRetrieval retrieval)
                    options.FineTuner!.FineTune(retrieval, examples, context);
                else
                    options.FineTuner!.FineTune((Blip2ForConditionalGeneration)model, examples, context);
                options.FineTuningCancellation.ThrowIfCancellationRequested();
                return WriteFineTuned(model, original);
            }
        }
        finally
        {
            foreach (var tensor in pixels)
                tensor.Dispose();
        }
    }

    private static Func<RowInput, string, (long[], long[])> PromptAndTarget(Blip2InputPreparer preparer, Func<RowInput, string>? promptOf) =>
        (row, target) => (promptOf is null ? [] : Ids(preparer, promptOf(row), addSpecialTokens: false), Ids(preparer, target, addSpecialTokens: false));

    private static List<Blip2FineTuningExample> ReadExamples(IDataView input, InputBinding binding, DataViewSchema.Column? label,
        Blip2InputPreparer preparer, Func<RowInput, string, (long[] Prompt, long[] Target)> tokenize, Blip2TransformOptions options,
        Device device, List<Tensor> pixels)
    {
        var examples = new List<Blip2FineTuningExample>();
        using var cursor = input.GetRowCursor(label is { } l ? binding.Columns.Append(l) : binding.Columns);
        var reader = new RowReader(cursor, binding);
        var getLabel = label is { } labelColumn ? cursor.GetGetter<ReadOnlyMemory<char>>(labelColumn) : null;
        ReadOnlyMemory<char> labelText = default;
        while (cursor.MoveNext())
        {
            options.FineTuningCancellation.ThrowIfCancellationRequested();
            var row = reader.Read();
            if (row.Image is null)
                throw new ImageRowException(row.Position, options.ImageColumnName, row.ImageError ?? "no image", row.ImageErrorCause);
            string target = string.Empty;
            if (getLabel is not null)
            {
                getLabel(ref labelText);
                target = labelText.ToString().Trim();
                if (target.Length == 0)
                    throw new InvalidDataException($"Row {row.Position}: the label column '{label!.Value.Name}' is empty; every training row needs a target text.");
            }
            else if (string.IsNullOrWhiteSpace(row.Text))
            {
                throw new InvalidDataException($"Row {row.Position}: the text column '{binding.Text!.Value.Name}' is empty; every training pair needs a text.");
            }

            using var prepared = preparer.Prepare([row.Image], texts: null, PaddingSide.Right, device);
            var image = prepared.PixelValues[0].clone();
            pixels.Add(image);
            var (promptIds, targetIds) = tokenize(row, target);
            examples.Add(new Blip2FineTuningExample(image, promptIds, targetIds));
        }

        return examples;
    }

    private static long[] Ids(Blip2InputPreparer preparer, string text, bool addSpecialTokens) =>
        [.. preparer.Tokenizer.Encode(text, addSpecialTokens).Select(id => (long)id)];

    /// <summary>Writes the trained weights with the original directory's configs, preprocessor and tokenizer files.</summary>
    private static ModelSource WriteFineTuned(Blip2Module model, ModelSource original)
    {
        var folder = ExtractedDirectory.Create();
        try
        {
            switch (model)
            {
                case Blip2ForConditionalGeneration generation: generation.SavePretrained(folder.Path); break;
                case Blip2ForImageTextRetrieval retrieval: retrieval.SavePretrained(folder.Path); break;
                default: throw new ArgumentException($"Cannot save a {model.GetType().Name}.", nameof(model));
            }

            foreach (var file in original.SupportFiles.Where(f => f.Name != PretrainedConfig.FileName))
                File.Copy(file.Path, Path.Combine(folder.Path, file.Name));
            return ModelSource.Extracted(folder.Path, delta: null, folder);
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }
}
