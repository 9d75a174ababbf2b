using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.QFormer;

/// <summary><c>LayerNorm(dense(x) + residual)</c> — BERT's SelfOutput and Output blocks, which differ only in input width.</summary>
public sealed class QFormerResidualOutput : Blip2Module
{
#pragma warning disable IDE1006
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
#pragma warning restore IDE1006

    /// <summary>Creates a placeholder block reading <paramref name="inputSize"/> features.</summary>
    public QFormerResidualOutput(Blip2QFormerConfig config, long inputSize, ModuleOptions options) : base(nameof(QFormerResidualOutput))
    {
        dense = new Linear(inputSize, config.HiddenSize, true, options);
        LayerNorm = new LayerNorm(config.HiddenSize, config.LayerNormEps, options);
        RegisterComponents();
    }

    /// <summary>Applies the block.</summary>
    public Tensor Forward(Tensor x, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.Forward(dense.Forward(x) + residual).MoveToOuterDisposeScope();
    }
}
