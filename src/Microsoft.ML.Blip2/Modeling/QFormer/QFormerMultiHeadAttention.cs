using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.QFormer;

/// <summary>BERT-style attention (<c>query</c>, <c>key</c>, <c>value</c>); keys/values come from the image for cross-attention.</summary>
public sealed class QFormerMultiHeadAttention : Blip2Module
{
#pragma warning disable IDE1006
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
#pragma warning restore IDE1006
    private readonly long _heads;
    private readonly double _scale;

    /// <summary>Creates placeholder attention; cross-attention keys/values read <c>encoder_hidden_size</c> features.</summary>
    public QFormerMultiHeadAttention(Blip2QFormerConfig config, bool isCrossAttention, ModuleOptions options) : base(nameof(QFormerMultiHeadAttention))
    {
        if (config.PositionEmbeddingType != "absolute")
            throw new NotSupportedException($"Q-Former position_embedding_type '{config.PositionEmbeddingType}' is not supported (only 'absolute', as in every BLIP-2 checkpoint).");
        long hidden = config.HiddenSize;
        _heads = config.NumAttentionHeads;
        if (hidden % _heads != 0)
            throw new ArgumentException($"qformer hidden_size {hidden} is not divisible by num_attention_heads {_heads}.");
        _scale = 1.0 / Math.Sqrt(hidden / _heads);
        long keyInput = isCrossAttention ? config.EncoderHiddenSize : hidden;
        query = new Linear(hidden, hidden, true, options);
        key = new Linear(keyInput, hidden, true, options);
        value = new Linear(keyInput, hidden, true, options);
        RegisterComponents();
    }

    /// <summary>
    /// Attention of <paramref name="hidden"/> over itself, or over <paramref name="encoderHidden"/> when given;
    /// <paramref name="bias"/> is the additive mask for the keys used.
    /// </summary>
    public Tensor Forward(Tensor hidden, Tensor? bias, Tensor? encoderHidden)
    {
        using var scope = NewDisposeScope();
        var source = encoderHidden ?? hidden;
        var q = AttentionMath.SplitHeads(query.Forward(hidden), _heads);
        var k = AttentionMath.SplitHeads(key.Forward(source), _heads);
        var v = AttentionMath.SplitHeads(value.Forward(source), _heads);
        return AttentionMath.MergeHeads(AttentionMath.Attend(q, k, v, _scale, bias)).MoveToOuterDisposeScope();
    }
}
