using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Outputs;

/// <summary>Output of <see cref="Blip2ForConditionalGeneration.Forward"/> and <see cref="Blip2Model.Forward"/>.</summary>
/// <param name="Loss">Mean token cross-entropy over labels ≠ −100 (0-d), when labels were given.</param>
/// <param name="Logits">Language-model logits; for decoder-only models with labels, only the last <c>labels.size(1)</c> positions.</param>
/// <param name="VisionOutputs">Vision encoder outputs.</param>
/// <param name="QFormerOutputs">Q-Former outputs over the query tokens.</param>
/// <param name="LanguageModelInputs">The projected queries <c>[B, Q, E]</c> fed to the language model.</param>
/// <param name="EncoderLastHiddenState">Encoder output of an encoder–decoder language model, else null.</param>
public sealed record Blip2ForConditionalGenerationOutput(
    Tensor? Loss,
    Tensor Logits,
    VisionModelOutput VisionOutputs,
    QFormerOutput QFormerOutputs,
    Tensor LanguageModelInputs,
    Tensor? EncoderLastHiddenState) : ModelOutput
{
    /// <inheritdoc />
    protected override IEnumerable<Tensor?> OwnedTensors() =>
        [Loss, Logits, VisionOutputs.LastHiddenState, VisionOutputs.PoolerOutput, QFormerOutputs.LastHiddenState,
         QFormerOutputs.PoolerOutput, LanguageModelInputs, EncoderLastHiddenState];
}
