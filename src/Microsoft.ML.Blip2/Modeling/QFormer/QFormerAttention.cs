using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.QFormer;

/// <summary>Attention + residual output (<c>attention</c>, <c>output</c>), used for self- and cross-attention.</summary>
public sealed class QFormerAttention : Blip2Module
{
#pragma warning disable IDE1006
    private readonly QFormerMultiHeadAttention attention;
    private readonly QFormerResidualOutput output;
#pragma warning restore IDE1006

    /// <summary>Creates a placeholder block.</summary>
    public QFormerAttention(Blip2QFormerConfig config, bool isCrossAttention, ModuleOptions options) : base(nameof(QFormerAttention))
    {
        attention = new QFormerMultiHeadAttention(config, isCrossAttention, options);
        output = new QFormerResidualOutput(config, config.HiddenSize, options);
        RegisterComponents();
    }

    /// <summary>Applies attention and the residual output.</summary>
    public Tensor Forward(Tensor hidden, Tensor? bias, Tensor? encoderHidden = null)
    {
        using var scope = NewDisposeScope();
        return output.Forward(attention.Forward(hidden, bias, encoderHidden), hidden).MoveToOuterDisposeScope();
    }
}
