using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Vision;

/// <summary>ViT self-attention with one fused <c>qkv</c> projection (its bias is q_bias | 0 | v_bias) and <c>projection</c>.</summary>
public sealed class VisionAttention : Blip2Module
{
#pragma warning disable IDE1006
    private readonly Linear qkv;
    private readonly Linear projection;
#pragma warning restore IDE1006
    private readonly long _heads;
    private readonly double _scale;

    /// <summary>Creates placeholder attention for <paramref name="config"/>.</summary>
    public VisionAttention(Blip2VisionConfig config, ModuleOptions options) : base(nameof(VisionAttention))
    {
        long dim = config.HiddenSize;
        _heads = config.NumAttentionHeads;
        if (dim % _heads != 0)
            throw new ArgumentException($"vision hidden_size {dim} is not divisible by num_attention_heads {_heads}.");
        _scale = Math.Pow(dim / _heads, -0.5);
        qkv = new Linear(dim, 3 * dim, config.QkvBias, options);
        projection = new Linear(dim, dim, true, options);
        RegisterComponents();
    }

    /// <summary>Self-attention over <c>[B, T, D]</c>.</summary>
    public Tensor Forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        long b = hidden.shape[0], t = hidden.shape[1], d = hidden.shape[2];
        var mixed = qkv.Forward(hidden).reshape(b, t, 3, _heads, d / _heads).permute(2, 0, 3, 1, 4);
        var context = AttentionMath.Attend(mixed[0], mixed[1], mixed[2], _scale, null);
        return projection.Forward(AttentionMath.MergeHeads(context)).MoveToOuterDisposeScope();
    }
}
