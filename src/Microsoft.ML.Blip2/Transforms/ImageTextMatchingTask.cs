using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Processing;
using Microsoft.ML.Blip2.Transforms.Persistence;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Transforms;

/// <summary>
/// Image–text matching: one <see cref="Blip2ForImageTextRetrieval.Forward"/> call per batch pairing image i with
/// text i. ITM: softmax of the two logits, index 1. ITC: the diagonal of the image × text cosine similarities.
/// </summary>
internal sealed class ImageTextMatchingTask : Blip2Task
{
    private readonly Blip2ForImageTextRetrieval model;
    private readonly ImageTextMatchingMode mode;

    private ImageTextMatchingTask(ImageTextMatchingEstimator.Options options, ModelSource source, Blip2InputPreparer inputs, Blip2ForImageTextRetrieval model)
        : base(options, source, inputs)
    {
        this.model = model;
        mode = options.Mode;
        TextColumnName = options.TextColumnName;
    }

    /// <inheritdoc />
    public override Blip2TaskKind Kind => Blip2TaskKind.ImageTextMatching;

    /// <inheritdoc />
    public override string? TextColumnName { get; }

    /// <summary>Loads the retrieval model of <paramref name="source"/>.</summary>
    public static ImageTextMatchingTask Load(ImageTextMatchingEstimator.Options options, ModelSource source)
    {
        ApplyThreads(options);
        var device = new Device(options.Device);
        var model = source.LoadModel(dir => Blip2ForImageTextRetrieval.FromPretrained(dir, device, options.DType), m => m.Config);
        try
        {
            return new ImageTextMatchingTask(options, source, Blip2InputPreparer.Load(source.Directory, imageTokens: null), model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private protected override RowResult[] RunModel(IReadOnlyList<RowInput> rows, IReadOnlyList<DecodedImage> images)
    {
        var texts = rows.Select(r => r.Text ?? string.Empty).ToList();
        float[] scores;
        using (var scope = NewDisposeScope())
        {
            var prepared = Inputs.Prepare(images, texts, PaddingSide.Right, Device);
            lock (Sync)
            {
                CountRun();
                using var output = model.Forward(prepared.PixelValues, prepared.InputIds!, prepared.AttentionMask, useImageTextMatchingHead: mode == ImageTextMatchingMode.Itm);
                var perRow = mode == ImageTextMatchingMode.Itm
                    ? nn.functional.softmax(output.LogitsPerImage.to(ScalarType.Float32), 1).select(1, 1)
                    : output.LogitsPerImage.diagonal();
                scores = perRow.to(ScalarType.Float32).cpu().data<float>().ToArray();
            }
        }

        return scores.Select(s => new RowResult(true, string.Empty, s, float.NaN, [])).ToArray();
    }

    private protected override void DisposeModel() => model.Dispose();
}
