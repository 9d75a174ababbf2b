using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Language.T5;

/// <summary><c>x + SelfAttention(layer_norm(x))</c>.</summary>
public sealed class T5LayerSelfAttention : Blip2Module
{
#pragma warning disable IDE1006
    private readonly T5Attention SelfAttention;
    private readonly RmsNorm layer_norm;
#pragma warning restore IDE1006

    /// <summary>Creates a placeholder block.</summary>
    public T5LayerSelfAttention(T5Config config, bool hasRelativeAttentionBias, bool isDecoder, ModuleOptions options) : base(nameof(T5LayerSelfAttention))
    {
        SelfAttention = new T5Attention(config, hasRelativeAttentionBias, isDecoder, options);
        layer_norm = new RmsNorm(config.DModel, config.LayerNormEpsilon, options);
        RegisterComponents();
    }

    /// <summary>Applies the block; returns the new hidden states and the position bias.</summary>
    public (Tensor Hidden, Tensor PositionBias) Forward(Tensor hidden, Tensor? mask, Tensor? positionBias, KeyValueCache? cache)
    {
        using var scope = NewDisposeScope();
        var (attended, bias) = SelfAttention.Forward(layer_norm.Forward(hidden), mask, positionBias, null, cache);
        return ((hidden + attended).MoveToOuterDisposeScope(), bias.MoveToOuterDisposeScope());
    }
}

/// <summary><c>x + EncDecAttention(layer_norm(x), encoder output)</c>.</summary>
public sealed class T5LayerCrossAttention : Blip2Module
{
#pragma warning disable IDE1006
    private readonly T5Attention EncDecAttention;
    private readonly RmsNorm layer_norm;
#pragma warning restore IDE1006

    /// <summary>Creates a placeholder block.</summary>
    public T5LayerCrossAttention(T5Config config, ModuleOptions options) : base(nameof(T5LayerCrossAttention))
    {
        EncDecAttention = new T5Attention(config, false, true, options);
        layer_norm = new RmsNorm(config.DModel, config.LayerNormEpsilon, options);
        RegisterComponents();
    }

    /// <summary>Applies the block; returns the new hidden states and the cross-attention position bias.</summary>
    public (Tensor Hidden, Tensor PositionBias) Forward(Tensor hidden, Tensor encoderHidden, Tensor? encoderMask, Tensor? positionBias, KeyValueCache? cache)
    {
        using var scope = NewDisposeScope();
        var (attended, bias) = EncDecAttention.Forward(layer_norm.Forward(hidden), encoderMask, positionBias, encoderHidden, cache);
        return ((hidden + attended).MoveToOuterDisposeScope(), bias.MoveToOuterDisposeScope());
    }
}

/// <summary><c>x + DenseReluDense(layer_norm(x))</c>.</summary>
public sealed class T5LayerFF : Blip2Module
{
#pragma warning disable IDE1006
    private readonly T5FeedForward DenseReluDense;
    private readonly RmsNorm layer_norm;
#pragma warning restore IDE1006

    /// <summary>Creates a placeholder block.</summary>
    public T5LayerFF(T5Config config, ModuleOptions options) : base(nameof(T5LayerFF))
    {
        DenseReluDense = new T5FeedForward(config, options);
        layer_norm = new RmsNorm(config.DModel, config.LayerNormEpsilon, options);
        RegisterComponents();
    }

    /// <summary>Applies the block.</summary>
    public Tensor Forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return (hidden + DenseReluDense.Forward(layer_norm.Forward(hidden))).MoveToOuterDisposeScope();
    }
}
