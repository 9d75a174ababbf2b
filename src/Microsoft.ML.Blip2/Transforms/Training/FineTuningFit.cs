using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Processing;
using Microsoft.ML.Blip2.Transforms.Data;
using Microsoft.ML.Blip2.Transforms.Persistence;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Transforms.Training;

/// <summary>
/// What <c>Fit</c> does when the options name a label column: reads the training rows, prepares them with the
/// checkpoint's own image processor and tokenizer, lets the fine-tuner train the loaded model, and writes the result
/// as a Hugging Face directory the transformer then loads (so saving and loading work as for any checkpoint).
/// </summary>
internal static class FineTuningFit
{
    /// <summary>Trains and returns the source of the fine-tuned model (a temporary folder deleted with the transformer).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The label column is missing or not text.</exception>
    /// <exception cref="ImageRowException">A training row's image cannot be read.</exception>
    public static ModelSource Train(Blip2TextGenerationOptions options, IDataView input)
    {
        string labelColumnName = options.LabelColumnName!;
        var label = BindLabel(input.Schema, labelColumnName);
        var binding = InputBinding.Bind(input.Schema, options.ImageColumnName, Blip2Tasks.TextColumnOf(options));
        var original = ModelSource.Open(options.ModelDirectory);
        original.Dispose(); // only the file checks are needed; the original directory is never owned.

        var device = new Device(options.Device);
        if (options.Threads is int threads)
            set_num_threads(threads);
        using var model = Blip2ForConditionalGeneration.FromPretrained(original.Directory, device, options.DType);
        var preparer = Blip2InputPreparer.Load(original.Directory, imageTokens: null);
        var promptOf = Blip2Tasks.PromptOf(options);

        var pixels = new List<Tensor>();
        try
        {
            var examples = ReadExamples(input, binding, label, preparer, promptOf, options, device, pixels);
            if (examples.Count == 0)
                throw new ArgumentException($"The training data has no rows: nothing to fine-tune on (label column '{labelColumnName}').", nameof(input));
            options.FineTuner!.FineTune(model, examples, options.FineTuningCancellation);
            options.FineTuningCancellation.ThrowIfCancellationRequested();
        }
        finally
        {
            foreach (var tensor in pixels)
                tensor.Dispose();
        }

        return WriteFineTuned(model, original);
    }

    private static DataViewSchema.Column BindLabel(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), name, $"Label column '{name}' not found in the training data.");
        if (column.Type is not TextDataViewType)
            throw new ArgumentOutOfRangeException(nameof(schema), name, $"Label column '{name}' must be Text (string), but is {column.Type}.");
        return column;
    }

    private static List<Blip2FineTuningExample> ReadExamples(IDataView input, InputBinding binding, DataViewSchema.Column label,
        Blip2InputPreparer preparer, Func<RowInput, string>? promptOf, Blip2TextGenerationOptions options, Device device, List<Tensor> pixels)
    {
        var examples = new List<Blip2FineTuningExample>();
        using var cursor = input.GetRowCursor(binding.Columns.Append(label));
        var reader = new RowReader(cursor, binding);
        var getLabel = cursor.GetGetter<ReadOnlyMemory<char>>(label);
        ReadOnlyMemory<char> labelText = default;
        while (cursor.MoveNext())
        {
            options.FineTuningCancellation.ThrowIfCancellationRequested();
            var row = reader.Read();
            if (row.Image is null)
                throw new ImageRowException(row.Position, options.ImageColumnName, row.ImageError ?? "no image", row.ImageErrorCause);
            getLabel(ref labelText);
            string target = labelText.ToString().Trim();
            if (target.Length == 0)
                throw new InvalidDataException($"Row {row.Position}: the label column '{label.Name}' is empty; every training row needs a target text.");

            using var prepared = preparer.Prepare([row.Image], texts: null, PaddingSide.Right, device);
            var image = prepared.PixelValues[0].clone();
            pixels.Add(image);
            var promptIds = promptOf is null ? [] : Ids(preparer, promptOf(row));
            examples.Add(new Blip2FineTuningExample(image, promptIds, Ids(preparer, target)));
        }

        return examples;
    }

    private static long[] Ids(Blip2InputPreparer preparer, string text) =>
        [.. preparer.Tokenizer.Encode(text, addSpecialTokens: false).Select(id => (long)id)];

    /// <summary>Writes the trained weights with the original directory's configs, preprocessor and tokenizer files.</summary>
    private static ModelSource WriteFineTuned(Blip2ForConditionalGeneration model, ModelSource original)
    {
        var folder = ExtractedDirectory.Create();
        try
        {
            model.SavePretrained(folder.Path);
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
