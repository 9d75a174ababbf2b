using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Language;

/// <summary>
/// Per-layer key/value caches of a language model's decoder: self-attention (grows by one position per step) and,
/// for encoder–decoder models, cross-attention over the encoder output (computed once).
/// </summary>
public sealed class LanguageModelCache : IDisposable
{
    /// <summary>Creates empty caches for <paramref name="layers"/> decoder layers.</summary>
    public LanguageModelCache(int layers, bool withCrossAttention)
    {
        SelfAttention = Enumerable.Range(0, layers).Select(_ => new KeyValueCache()).ToArray();
        CrossAttention = withCrossAttention ? Enumerable.Range(0, layers).Select(_ => new KeyValueCache()).ToArray() : null;
    }

    /// <summary>Self-attention caches, one per layer.</summary>
    public IReadOnlyList<KeyValueCache> SelfAttention { get; }

    /// <summary>Cross-attention caches, one per layer, or null for decoder-only models.</summary>
    public IReadOnlyList<KeyValueCache>? CrossAttention { get; }

    /// <summary>Number of positions already in the self-attention cache.</summary>
    public long Length => SelfAttention.Count == 0 ? 0 : SelfAttention[0].Length;

    /// <summary>Keeps only the batch rows <paramref name="rows"/> (in that order) in every cache: beam reordering.</summary>
    public void SelectRows(Tensor rows)
    {
        foreach (var c in SelfAttention) c.SelectRows(rows);
        if (CrossAttention is not null)
            foreach (var c in CrossAttention) c.SelectRows(rows);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var c in SelfAttention) c.Dispose();
        if (CrossAttention is not null)
            foreach (var c in CrossAttention) c.Dispose();
    }
}
