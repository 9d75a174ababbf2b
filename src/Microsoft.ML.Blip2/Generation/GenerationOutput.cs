using Microsoft.ML.Blip2.Modeling.Outputs;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Generation;

/// <summary>Result of a generate call (Hugging Face <c>GenerateOutput</c> with <c>return_dict_in_generate</c>).</summary>
/// <param name="Sequences">Token ids <c>[B · NumReturnSequences, L]</c>, finished rows padded with <c>pad_token_id</c>.</param>
/// <param name="Scores">When requested: processed next-token scores per step <c>[steps, rows, V]</c> (beam search: per beam).</param>
/// <param name="SequencesScores">Beam search: the length-normalised score of each returned sequence <c>[B · NumReturnSequences]</c>.</param>
public sealed record GenerationOutput(Tensor Sequences, Tensor? Scores, Tensor? SequencesScores) : ModelOutput
{
    /// <inheritdoc />
    protected override IEnumerable<Tensor?> OwnedTensors() => [Sequences, Scores, SequencesScores];
}
