using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Language.T5;

/// <summary>
/// T5 attention (<c>q</c>, <c>k</c>, <c>v</c>, <c>o</c>, no biases, no 1/√d scaling). The first layer of each stack owns
/// <c>relative_attention_bias</c>; the position bias it computes (mask included) is reused by the later layers.
/// </summary>
public sealed class T5Attention : Blip2Module
{
#pragma warning disable IDE1006
    private readonly Linear q;
    private readonly Linear k;
    private readonly Linear v;
    private readonly Linear o;
    private readonly Embedding? relative_attention_bias;
#pragma warning restore IDE1006
    private readonly long _heads;
    private readonly bool _bidirectional;
    private readonly long _numBuckets;
    private readonly long _maxDistance;

    /// <summary>Creates placeholder attention; <paramref name="isDecoder"/> selects unidirectional position buckets.</summary>
    public T5Attention(T5Config config, bool hasRelativeAttentionBias, bool isDecoder, ModuleOptions options) : base(nameof(T5Attention))
    {
        _heads = config.NumHeads;
        _bidirectional = !isDecoder;
        _numBuckets = config.RelativeAttentionNumBuckets;
        _maxDistance = config.RelativeAttentionMaxDistance;
        long inner = config.NumHeads * config.DKv;
        q = new Linear(config.DModel, inner, false, options);
        k = new Linear(config.DModel, inner, false, options);
        v = new Linear(config.DModel, inner, false, options);
        o = new Linear(inner, config.DModel, false, options);
        if (hasRelativeAttentionBias)
            relative_attention_bias = new Embedding(config.RelativeAttentionNumBuckets, config.NumHeads, options);
        RegisterComponents();
    }

    /// <summary>
    /// Attends <paramref name="hidden"/> <c>[B, Tq, D]</c> to itself (self-attention, cache grows by Tq) or to
    /// <paramref name="keyValueSource"/> (cross-attention, cached once). Returns the output and the position bias
    /// (relative bias + <paramref name="mask"/>) for the following layers.
    /// </summary>
    public (Tensor Output, Tensor PositionBias) Forward(Tensor hidden, Tensor? mask, Tensor? positionBias,
        Tensor? keyValueSource, KeyValueCache? cache)
    {
        using var scope = NewDisposeScope();
        var query = AttentionMath.SplitHeads(q.Forward(hidden), _heads);
        Tensor keys, values;
        if (keyValueSource is not null && cache is not null && cache.Length > 0)
        {
            (keys, values) = (cache.Keys!, cache.Values!);
        }
        else
        {
            var source = keyValueSource ?? hidden;
            keys = AttentionMath.SplitHeads(k.Forward(source), _heads);
            values = AttentionMath.SplitHeads(v.Forward(source), _heads);
            if (cache is not null)
            {
                if (keyValueSource is null) (keys, values) = cache.Append(keys, values);
                else { cache.Set(keys, values); (keys, values) = (cache.Keys!, cache.Values!); }
            }
        }
        long queryLength = query.shape[2], keyLength = keys.shape[2];
        if (positionBias is null)
        {
            positionBias = relative_attention_bias is null
                ? zeros([1, _heads, queryLength, keyLength], query.dtype, query.device)
                : ComputeBias(queryLength, keyLength, query.device).to(query.dtype);
            if (mask is not null) positionBias = positionBias + mask;
        }
        var context = AttentionMath.Attend(query, keys, values, 1.0, positionBias);
        var output = o.Forward(AttentionMath.MergeHeads(context));
        return (output.MoveToOuterDisposeScope(), positionBias.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// <c>[1, H, Tq, Tk]</c> learned bias for queries at absolute positions <c>Tk − Tq … Tk − 1</c> and keys <c>0 … Tk − 1</c>.
    /// </summary>
    private Tensor ComputeBias(long queryLength, long keyLength, Device device)
    {
        using var scope = NewDisposeScope();
        var context = arange(keyLength - queryLength, keyLength, ScalarType.Int64, device).unsqueeze(1);
        var memory = arange(0, keyLength, ScalarType.Int64, device).unsqueeze(0);
        var buckets = RelativePositionBucket(memory - context, _bidirectional, _numBuckets, _maxDistance);
        var values = relative_attention_bias!.Forward(buckets); // [Tq, Tk, H]
        return values.permute(2, 0, 1).unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// T5's bucketing of relative positions: half the buckets are exact small distances, the rest logarithmically
    /// spaced up to <paramref name="maxDistance"/>; bidirectional buckets split by sign first.
    /// </summary>
    public static Tensor RelativePositionBucket(Tensor relativePosition, bool bidirectional, long numBuckets, long maxDistance)
    {
        using var scope = NewDisposeScope();
        var buckets = zeros_like(relativePosition);
        Tensor distance;
        if (bidirectional)
        {
            numBuckets /= 2;
            buckets = buckets + relativePosition.gt(0).to(ScalarType.Int64) * numBuckets;
            distance = relativePosition.abs();
        }
        else
        {
            distance = -relativePosition.clamp_max(0);
        }
        long maxExact = numBuckets / 2;
        var isSmall = distance.lt(maxExact);
        var large = (log(distance.to(ScalarType.Float32) / maxExact) / Math.Log(maxDistance / (double)maxExact) * (numBuckets - maxExact))
            .to(ScalarType.Int64) + maxExact;
        large = large.clamp_max(numBuckets - 1);
        buckets = buckets + where(isSmall, distance, large);
        return buckets.MoveToOuterDisposeScope();
    }
}
