using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Outputs;

/// <summary>Output of <see cref="Blip2ForImageTextRetrieval.Forward"/> (Hugging Face <c>Blip2ImageTextMatchingModelOutput</c>).</summary>
/// <param name="LogitsPerImage">ITM: <c>[B, 2]</c> (no-match, match) logits; ITC: <c>[B_img, B_txt]</c> cosine similarities (max over queries).</param>
/// <param name="LogitsPerText">The transpose of <paramref name="LogitsPerImage"/>.</param>
/// <param name="TextEmbeds">ITM: the Q-Former output over [queries ; text]; ITC: normalised text embeddings <c>[B_txt, D]</c>.</param>
/// <param name="ImageEmbeds">ITM: the vision encoder output; ITC: normalised query embeddings <c>[B_img, Q, D]</c>.</param>
/// <param name="TextModelOutput">The Q-Former output of the text pass.</param>
/// <param name="VisionModelOutput">The vision encoder output.</param>
public sealed record ImageTextMatchingOutput(
    Tensor LogitsPerImage,
    Tensor LogitsPerText,
    Tensor TextEmbeds,
    Tensor ImageEmbeds,
    QFormerOutput TextModelOutput,
    VisionModelOutput VisionModelOutput) : ModelOutput
{
    /// <inheritdoc />
    protected override IEnumerable<Tensor?> OwnedTensors() =>
        [LogitsPerImage, LogitsPerText, TextEmbeds, ImageEmbeds, TextModelOutput.LastHiddenState, TextModelOutput.PoolerOutput,
         VisionModelOutput.LastHiddenState, VisionModelOutput.PoolerOutput];
}
