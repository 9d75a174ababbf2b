using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Language.Opt;

/// <summary>OPT self-attention (<c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c>, <c>out_proj</c>); queries scaled by d^-0.5.</summary>
public sealed class OptAttention : Blip2Module
{
#pragma warning disable IDE1006
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear q_proj;
    private readonly Linear out_proj;
#pragma warning restore IDE1006
    private readonly long _heads;
    private readonly double _scale;

    /// <summary>Creates placeholder attention.</summary>
    public OptAttention(OptConfig config, ModuleOptions options) : base(nameof(OptAttention))
    {
        long dim = config.HiddenSize;
        _heads = config.NumAttentionHeads;
        if (dim % _heads != 0)
            throw new ArgumentException($"OPT hidden_size {dim} is not divisible by num_attention_heads {_heads}.");
        _scale = Math.Pow(dim / _heads, -0.5);
        k_proj = new Linear(dim, dim, config.EnableBias, options);
        v_proj = new Linear(dim, dim, config.EnableBias, options);
        q_proj = new Linear(dim, dim, config.EnableBias, options);
        out_proj = new Linear(dim, dim, config.EnableBias, options);
        RegisterComponents();
    }

    /// <summary>Attention of <c>[B, T, D]</c> over cached + new positions; <paramref name="cache"/> grows by T.</summary>
    public Tensor Forward(Tensor hidden, Tensor bias, KeyValueCache? cache)
    {
        using var scope = NewDisposeScope();
        var q = AttentionMath.SplitHeads(q_proj.Forward(hidden) * _scale, _heads);
        var k = AttentionMath.SplitHeads(k_proj.Forward(hidden), _heads);
        var v = AttentionMath.SplitHeads(v_proj.Forward(hidden), _heads);
        if (cache is not null)
            (k, v) = cache.Append(k, v);
        var context = AttentionMath.Attend(q, k, v, 1.0, bias);
        return out_proj.Forward(AttentionMath.MergeHeads(context)).MoveToOuterDisposeScope();
    }
}
