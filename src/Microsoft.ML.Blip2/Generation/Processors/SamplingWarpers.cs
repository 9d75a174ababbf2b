using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Generation.Processors;

/// <summary>Divides scores by the temperature.</summary>
public sealed class TemperatureLogitsWarper(double temperature) : LogitsProcessor
{
    /// <inheritdoc />
    public override Tensor Process(Tensor inputIds, Tensor scores) => scores / temperature;
}

/// <summary>Keeps the <c>k</c> highest scores per row (ties with the k-th kept), −∞ elsewhere.</summary>
public sealed class TopKLogitsWarper(int topK, int minTokensToKeep = 1) : LogitsProcessor
{
    /// <inheritdoc />
    public override Tensor Process(Tensor inputIds, Tensor scores)
    {
        long k = Math.Min(Math.Max(topK, minTokensToKeep), scores.shape[1]);
        using var scope = NewDisposeScope();
        var kth = scores.topk((int)k, dim: 1).values.narrow(1, k - 1, 1);
        return scores.masked_fill(scores.lt(kth), double.NegativeInfinity).MoveToOuterDisposeScope();
    }
}

/// <summary>Keeps the smallest set of most likely tokens whose cumulative probability exceeds <c>1 − p</c> from below (nucleus).</summary>
public sealed class TopPLogitsWarper(double topP, int minTokensToKeep = 1) : LogitsProcessor
{
    /// <inheritdoc />
    public override Tensor Process(Tensor inputIds, Tensor scores)
    {
        using var scope = NewDisposeScope();
        var (sorted, indices) = scores.sort(dim: 1, descending: false);
        var cumulative = sorted.softmax(1).cumsum(1);
        var remove = cumulative.le(1 - topP);
        long vocab = scores.shape[1];
        if (minTokensToKeep > 0)
            remove[TensorIndex.Colon, TensorIndex.Slice(vocab - minTokensToKeep, null)] = false;
        var removeOriginal = remove.scatter(1, indices, remove);
        return scores.masked_fill(removeOriginal, double.NegativeInfinity).MoveToOuterDisposeScope();
    }
}
