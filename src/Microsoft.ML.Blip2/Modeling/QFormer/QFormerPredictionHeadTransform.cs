using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.QFormer;

/// <summary>BERT's prediction-head transform (<c>dense</c>, <c>LayerNorm</c>): <c>LayerNorm(act(dense(x)))</c>.</summary>
public sealed class QFormerPredictionHeadTransform : Blip2Module
{
#pragma warning disable IDE1006, CA1707 // field names are the checkpoint's component names
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
#pragma warning restore IDE1006, CA1707
    private readonly Func<Tensor, Tensor> _activation;

    /// <summary>Creates a placeholder transform of width <c>hidden_size</c> with <c>hidden_act</c>.</summary>
    public QFormerPredictionHeadTransform(Blip2QFormerConfig config, ModuleOptions options) : base(nameof(QFormerPredictionHeadTransform))
    {
        dense = new Linear(config.HiddenSize, config.HiddenSize, true, options);
        LayerNorm = new LayerNorm(config.HiddenSize, config.LayerNormEps, options);
        _activation = Activations.Get(config.HiddenAct);
        RegisterComponents();
    }

    /// <summary>Applies the transform.</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.Forward(_activation(dense.Forward(x))).MoveToOuterDisposeScope();
    }
}
