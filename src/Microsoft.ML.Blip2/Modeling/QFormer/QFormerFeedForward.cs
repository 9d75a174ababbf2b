using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.QFormer;

/// <summary>BERT's Intermediate block: <c>act(dense(x))</c>.</summary>
public sealed class QFormerIntermediate : Blip2Module
{
#pragma warning disable IDE1006
    private readonly Linear dense;
#pragma warning restore IDE1006
    private readonly Func<Tensor, Tensor> _activation;

    /// <summary>Creates a placeholder block.</summary>
    public QFormerIntermediate(Blip2QFormerConfig config, ModuleOptions options) : base(nameof(QFormerIntermediate))
    {
        dense = new Linear(config.HiddenSize, config.IntermediateSize, true, options);
        _activation = Activations.Get(config.HiddenAct);
        RegisterComponents();
    }

    /// <summary>Applies the block.</summary>
    public Tensor Forward(Tensor x)
    {
        using var h = dense.Forward(x);
        return _activation(h);
    }
}
