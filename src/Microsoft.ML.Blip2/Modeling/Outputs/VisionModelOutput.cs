using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Outputs;

/// <summary>Output of the vision encoder (Hugging Face <c>BaseModelOutputWithPooling</c>).</summary>
/// <param name="LastHiddenState"><c>[B, 1 + patches, D]</c> after <c>post_layernorm</c>.</param>
/// <param name="PoolerOutput"><c>[B, D]</c>: <c>post_layernorm</c> applied once more to the CLS position.</param>
public sealed record VisionModelOutput(Tensor LastHiddenState, Tensor PoolerOutput) : ModelOutput
{
    /// <inheritdoc />
    protected override IEnumerable<Tensor?> OwnedTensors() => [LastHiddenState, PoolerOutput];
}
