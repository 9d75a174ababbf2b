using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Language.T5;

/// <summary>One T5 block: <c>layer.0</c> self-attention, <c>layer.1</c> cross-attention (decoder only), last the feed-forward.</summary>
public sealed class T5Block : Blip2Module
{
#pragma warning disable IDE1006
    private readonly TorchSharp.Modules.ModuleList<Blip2Module> layer;
#pragma warning restore IDE1006
    private readonly T5LayerSelfAttention _selfAttention;
    private readonly T5LayerCrossAttention? _crossAttention;
    private readonly T5LayerFF _feedForward;

    /// <summary>Creates a placeholder block.</summary>
    public T5Block(T5Config config, bool hasRelativeAttentionBias, bool isDecoder, ModuleOptions options) : base(nameof(T5Block))
    {
        _selfAttention = new T5LayerSelfAttention(config, hasRelativeAttentionBias, isDecoder, options);
        _crossAttention = isDecoder ? new T5LayerCrossAttention(config, options) : null;
        _feedForward = new T5LayerFF(config, options);
        layer = new TorchSharp.Modules.ModuleList<Blip2Module>();
        layer.Add(_selfAttention);
        if (_crossAttention is not null) layer.Add(_crossAttention);
        layer.Add(_feedForward);
        RegisterComponents();
    }

    /// <summary>Applies the block; returns hidden states and the self/cross position biases for the next blocks.</summary>
    public (Tensor Hidden, Tensor SelfBias, Tensor? CrossBias) Forward(Tensor hidden, Tensor? mask, Tensor? selfBias,
        Tensor? encoderHidden, Tensor? encoderMask, Tensor? crossBias, KeyValueCache? selfCache, KeyValueCache? crossCache)
    {
        using var scope = NewDisposeScope();
        var (h, newSelfBias) = _selfAttention.Forward(hidden, mask, selfBias, selfCache);
        h = ClampHalf(h);
        Tensor? newCrossBias = null;
        if (_crossAttention is not null)
        {
            if (encoderHidden is null) throw new ArgumentException("The T5 decoder needs the encoder output.", nameof(encoderHidden));
            (h, newCrossBias) = _crossAttention.Forward(h, encoderHidden, encoderMask, crossBias, crossCache);
            h = ClampHalf(h);
        }
        h = ClampHalf(_feedForward.Forward(h));
        newCrossBias?.MoveToOuterDisposeScope();
        return (h.MoveToOuterDisposeScope(), newSelfBias.MoveToOuterDisposeScope(), newCrossBias);
    }

    // Hugging Face clamps float16 activations to keep them finite.
    private static Tensor ClampHalf(Tensor h)
    {
        if (h.dtype != ScalarType.Float16) return h;
        double limit = h.isinf().any().item<bool>() ? 65504.0 - 1000 : 65504.0;
        return h.clamp(-limit, limit);
    }
}
