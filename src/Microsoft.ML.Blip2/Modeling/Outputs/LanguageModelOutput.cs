using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Outputs;

/// <summary>Output of the language model alone (<see cref="Blip2Model.GetTextFeatures"/>).</summary>
/// <param name="Logits"><c>[B, T, V]</c>.</param>
/// <param name="Loss">Cross-entropy when labels were given (encoder–decoder models), else null.</param>
/// <param name="EncoderLastHiddenState">Encoder output of an encoder–decoder model, else null.</param>
public sealed record LanguageModelOutput(Tensor Logits, Tensor? Loss, Tensor? EncoderLastHiddenState) : ModelOutput
{
    /// <inheritdoc />
    protected override IEnumerable<Tensor?> OwnedTensors() => [Logits, Loss, EncoderLastHiddenState];
}
