using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Vision;

/// <summary>Pre-LN transformer block: <c>x + attn(ln1(x))</c>, then <c>x + mlp(ln2(x))</c>.</summary>
public sealed class VisionEncoderLayer : Blip2Module
{
#pragma warning disable IDE1006
    private readonly VisionAttention self_attn;
    private readonly LayerNorm layer_norm1;
    private readonly VisionMlp mlp;
    private readonly LayerNorm layer_norm2;
#pragma warning restore IDE1006

    /// <summary>Creates a placeholder block.</summary>
    public VisionEncoderLayer(Blip2VisionConfig config, ModuleOptions options) : base(nameof(VisionEncoderLayer))
    {
        self_attn = new VisionAttention(config, options);
        layer_norm1 = new LayerNorm(config.HiddenSize, config.LayerNormEps, options);
        mlp = new VisionMlp(config.HiddenSize, config.IntermediateSize, config.HiddenAct, options);
        layer_norm2 = new LayerNorm(config.HiddenSize, config.LayerNormEps, options);
        RegisterComponents();
    }

    /// <summary>Applies the block.</summary>
    public Tensor Forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var h = hidden + self_attn.Forward(layer_norm1.Forward(hidden));
        return (h + mlp.Forward(layer_norm2.Forward(h))).MoveToOuterDisposeScope();
    }
}
