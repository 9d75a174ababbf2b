using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Generation.Processors;

/// <summary>Forbids any token that would complete an n-gram already present in the row (Hugging Face semantics).</summary>
public sealed class NoRepeatNGramLogitsProcessor : LogitsProcessor
{
    private readonly int _n;

    /// <summary>Creates the processor for n-grams of size <paramref name="n"/> (≥ 1).</summary>
    public NoRepeatNGramLogitsProcessor(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "n-gram size must be ≥ 1.");
        _n = n;
    }

    /// <inheritdoc />
    public override Tensor Process(Tensor inputIds, Tensor scores)
    {
        long length = inputIds.shape[1];
        if (length + 1 < _n) return scores.alias();
        var result = scores.clone();
        long rows = inputIds.shape[0];
        long[] flat = inputIds.to(ScalarType.Int64).cpu().data<long>().ToArray();
        for (long r = 0; r < rows; r++)
        {
            var row = new ReadOnlySpan<long>(flat, (int)(r * length), (int)length);
            var prefix = row[(int)(length - _n + 1)..];
            for (int start = 0; start + _n <= length; start++)
            {
                if (row.Slice(start, _n - 1).SequenceEqual(prefix))
                    result[r, row[start + _n - 1]] = double.NegativeInfinity;
            }
        }
        return result;
    }
}
