using Microsoft.ML.Blip2.Transforms.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Transforms;

/// <summary>Settings every BLIP-2 estimator shares: where the model is, which columns to use, how to run and save it.</summary>
public abstract class Blip2TransformOptions
{
    private protected Blip2TransformOptions()
    {
    }

    /// <summary>
    /// A Hugging Face BLIP-2 directory: <c>config.json</c>, safetensors weights, <c>preprocessor_config.json</c> and the
    /// tokenizer files (what <c>Blip2Processor.save_pretrained</c> + <c>model.save_pretrained</c> write into one folder).
    /// </summary>
    public string ModelDirectory { get; set; } = string.Empty;

    /// <summary>
    /// Input image column: an <c>MLImage</c> column (from <c>LoadImages</c>), a text column of image file paths, or a
    /// byte vector column (<c>byte[]</c> / <c>VBuffer&lt;byte&gt;</c>) of encoded image files.
    /// </summary>
    public string ImageColumnName { get; set; } = string.Empty;

    /// <summary>Name of the column the result is written to.</summary>
    public string OutputColumnName { get; set; } = string.Empty;

    /// <summary>Rows per model call when a data view is read (a <c>PredictionEngine</c> always runs one row).</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>TorchSharp device of the model, e.g. <c>"cpu"</c> or <c>"cuda:0"</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Dtype of the weights. Float32 on CPU: half-precision matmuls are far slower on most CPUs.</summary>
    public ScalarType DType { get; set; } = ScalarType.Float32;

    /// <summary>
    /// When set, the number of CPU threads TorchSharp uses. This is process-wide (<c>torch.set_num_threads</c>) and is
    /// applied when the model is loaded; <see langword="null"/> leaves the setting alone.
    /// </summary>
    public int? Threads { get; set; }

    /// <summary>
    /// True (default): a row whose image cannot be read or decoded fails with an <see cref="ImageRowException"/>
    /// naming the row and the reason. False: that row gets an empty output (empty text, NaN score, no token ids) and
    /// <see langword="false"/> in <see cref="StatusColumnName"/>. Rows are read in batches, so the exception is raised
    /// when any row of the bad row's batch is read.
    /// </summary>
    public bool FailOnBadImage { get; set; } = true;

    /// <summary>Optional boolean output column: true when the row's image was read and the model ran on it.</summary>
    public string? StatusColumnName { get; set; }

    /// <summary>How <c>mlContext.Model.Save</c> stores the weights (default: all of them).</summary>
    public WeightStorage WeightStorage { get; set; } = WeightStorage.Full;

    /// <summary>The base checkpoint directory for <see cref="WeightStorage.DifferencesFromBase"/>.</summary>
    public string? BaseModelDirectory { get; set; }

    /// <summary>
    /// What trains the model in <c>Fit</c>, e.g. <c>Blip2.Trainers.QFormerFineTuner</c>; <see langword="null"/> (default):
    /// <c>Fit</c> only loads the model. Captioning and VQA also need <see cref="Blip2TextGenerationOptions.LabelColumnName"/>;
    /// image–text matching trains on its rows as matching (image, text) pairs.
    /// </summary>
    public IBlip2FineTuner? FineTuner { get; set; }

    /// <summary>Cancels fine-tuning inside <c>Fit</c> (which then throws <see cref="OperationCanceledException"/>).</summary>
    public CancellationToken FineTuningCancellation { get; set; }

    /// <summary>True when <c>Fit</c> trains.</summary>
    internal bool FineTunes => FineTuner is not null;

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    internal virtual void Validate()
    {
        RequireName(ModelDirectory, nameof(ModelDirectory));
        RequireName(ImageColumnName, nameof(ImageColumnName));
        RequireName(OutputColumnName, nameof(OutputColumnName));
        if (BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"{nameof(BatchSize)} must be at least 1.");
        if (Threads is < 1)
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, $"{nameof(Threads)} must be at least 1 when set.");
        RequireName(Device, nameof(Device));
        if (StatusColumnName is { Length: 0 })
            throw new ArgumentException($"{nameof(StatusColumnName)} must be null or a column name, not empty.", nameof(StatusColumnName));
        if (WeightStorage == WeightStorage.DifferencesFromBase && string.IsNullOrWhiteSpace(BaseModelDirectory))
            throw new ArgumentException($"{nameof(WeightStorage)}.{nameof(WeightStorage.DifferencesFromBase)} needs {nameof(BaseModelDirectory)}.", nameof(BaseModelDirectory));
        if (!Enum.IsDefined(WeightStorage))
            throw new ArgumentOutOfRangeException(nameof(WeightStorage), WeightStorage, "Unknown weight storage.");
        try
        {
            _ = new Device(Device);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new ArgumentException($"{nameof(Device)} '{Device}' is not a TorchSharp device (e.g. \"cpu\" or \"cuda:0\").", nameof(Device), e);
        }

        _ = Blip2Tasks.OutputsOf(this);
    }

    /// <summary>A shallow copy (every property is a value, a string or an immutable record).</summary>
    internal Blip2TransformOptions Copy() => (Blip2TransformOptions)MemberwiseClone();

    private protected static void RequireName(string? value, string option)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"{option} must be set.", option);
    }
}
