using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Outputs;

/// <summary>Output of the Q-Former (Hugging Face <c>BaseModelOutputWithPoolingAndCrossAttentions</c>).</summary>
/// <param name="LastHiddenState"><c>[B, T, H]</c> (query positions first, then text positions if any).</param>
/// <param name="PoolerOutput"><c>[B, H]</c>: the first position of <paramref name="LastHiddenState"/>.</param>
public sealed record QFormerOutput(Tensor LastHiddenState, Tensor PoolerOutput) : ModelOutput
{
    /// <inheritdoc />
    protected override IEnumerable<Tensor?> OwnedTensors() => [LastHiddenState, PoolerOutput];
}
