using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Layers;

/// <summary>A lookup table (<c>torch.nn.Embedding</c>: <c>weight</c> <c>[count, dim]</c>).</summary>
public sealed class Embedding : Blip2Module
{
#pragma warning disable IDE1006
    private Parameter weight;
#pragma warning restore IDE1006

    /// <summary>Creates a placeholder table of <paramref name="count"/> rows of width <paramref name="dim"/>.</summary>
    public Embedding(long count, long dim, ModuleOptions options) : base(nameof(Embedding))
    {
        Count = count;
        Dim = dim;
        weight = options.NewParameter(count, dim);
        RegisterComponents();
    }

    /// <summary>Number of rows.</summary>
    public long Count { get; }

    /// <summary>Row width.</summary>
    public long Dim { get; }

    /// <summary>The table.</summary>
    public Parameter Weight => weight;

    /// <summary>Looks up rows; ids outside <c>[0, Count)</c> raise an error naming the bad id.</summary>
    public Tensor Forward(Tensor ids)
    {
        if (ids.numel() > 0)
        {
            long min = ids.min().item<long>(), max = ids.max().item<long>();
            if (min < 0 || max >= Count)
                throw new ArgumentOutOfRangeException(nameof(ids), $"token/position id {(min < 0 ? min : max)} is outside the embedding table [0, {Count}).");
        }
        long[] shape = [.. ids.shape, Dim];
        using var flat = ids.reshape(-1);
        using var rows = weight.index_select(0, flat);
        return rows.reshape(shape);
    }
}
