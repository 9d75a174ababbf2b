using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Generation.Processors;

/// <summary>
/// Rewrites next-token scores <c>[N, V]</c> given the ids generated so far <c>[N, T]</c> (Hugging Face
/// <c>LogitsProcessor</c>). Returns a new tensor; the input is not modified.
/// </summary>
public abstract class LogitsProcessor
{
    /// <summary>Processes the scores.</summary>
    public abstract Tensor Process(Tensor inputIds, Tensor scores);

    /// <summary>Sets <paramref name="tokenIds"/> to −∞ in every row.</summary>
    protected static Tensor Forbid(Tensor scores, IReadOnlyList<long> tokenIds)
    {
        var result = scores.clone();
        foreach (long id in tokenIds)
            if (id >= 0 && id < scores.shape[1])
                result[TensorIndex.Colon, id] = double.NegativeInfinity;
        return result;
    }
}

/// <summary>Forbids end-of-sequence tokens while the sequence is shorter than <c>min_length</c>.</summary>
public sealed class MinLengthLogitsProcessor(int minLength, IReadOnlyList<long> eosTokenIds) : LogitsProcessor
{
    /// <inheritdoc />
    public override Tensor Process(Tensor inputIds, Tensor scores) =>
        inputIds.shape[1] < minLength ? Forbid(scores, eosTokenIds) : scores.alias();
}

/// <summary>Forbids end-of-sequence tokens until <c>min_new_tokens</c> tokens follow the prompt.</summary>
public sealed class MinNewTokensLogitsProcessor(long promptLengthToSkip, int minNewTokens, IReadOnlyList<long> eosTokenIds) : LogitsProcessor
{
    /// <inheritdoc />
    public override Tensor Process(Tensor inputIds, Tensor scores) =>
        inputIds.shape[1] - promptLengthToSkip < minNewTokens ? Forbid(scores, eosTokenIds) : scores.alias();
}

/// <summary>
/// Divides positive scores (multiplies negative ones) of tokens already in <c>input_ids</c> by the penalty (CTRL paper,
/// Hugging Face <c>RepetitionPenaltyLogitsProcessor</c>).
/// </summary>
public sealed class RepetitionPenaltyLogitsProcessor(double penalty) : LogitsProcessor
{
    /// <inheritdoc />
    public override Tensor Process(Tensor inputIds, Tensor scores)
    {
        if (inputIds.shape[1] == 0) return scores.alias();
        using var scope = NewDisposeScope();
        var seen = scores.gather(1, inputIds);
        var penalised = where(seen.lt(0), seen * penalty, seen / penalty);
        return scores.scatter(1, inputIds, penalised).MoveToOuterDisposeScope();
    }
}
