using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Outputs;

/// <summary>Output of <see cref="Blip2TextModelWithProjection.Forward"/>.</summary>
/// <param name="TextEmbeds">L2-normalised projections <c>[B, T, D]</c> of every text position (position 0 is the one ITC uses).</param>
/// <param name="LastHiddenState">Q-Former output <c>[B, T, H]</c>.</param>
public sealed record TextModelWithProjectionOutput(Tensor TextEmbeds, Tensor LastHiddenState) : ModelOutput
{
    /// <inheritdoc />
    protected override IEnumerable<Tensor?> OwnedTensors() => [TextEmbeds, LastHiddenState];
}

/// <summary>Output of <see cref="Blip2VisionModelWithProjection.Forward"/>.</summary>
/// <param name="ImageEmbeds">L2-normalised query projections <c>[B, Q, D]</c>.</param>
/// <param name="LastHiddenState">Vision encoder output <c>[B, 1 + patches, D_vision]</c>.</param>
public sealed record VisionModelWithProjectionOutput(Tensor ImageEmbeds, Tensor LastHiddenState) : ModelOutput
{
    /// <inheritdoc />
    protected override IEnumerable<Tensor?> OwnedTensors() => [ImageEmbeds, LastHiddenState];
}
