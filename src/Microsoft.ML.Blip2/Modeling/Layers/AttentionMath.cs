using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Layers;

/// <summary>
/// The attention arithmetic every model here shares: head splitting/merging, masks and
/// <c>softmax(scale · Q Kᵀ + bias) V</c>. The models differ only in projections, scaling and the additive bias.
/// </summary>
public static class AttentionMath
{
    /// <summary><c>[B, T, H·D]</c> → <c>[B, H, T, D]</c>.</summary>
    public static Tensor SplitHeads(Tensor x, long heads)
    {
        long b = x.shape[0], t = x.shape[1], d = x.shape[2] / heads;
        using var view = x.view(b, t, heads, d);
        return view.transpose(1, 2);
    }

    /// <summary><c>[B, H, T, D]</c> → <c>[B, T, H·D]</c>.</summary>
    public static Tensor MergeHeads(Tensor x)
    {
        long b = x.shape[0], h = x.shape[1], t = x.shape[2], d = x.shape[3];
        using var transposed = x.transpose(1, 2);
        return transposed.reshape(b, t, h * d);
    }

    /// <summary>
    /// <c>softmax(scale · Q Kᵀ + bias) V</c> for <c>[B, H, T, D]</c> inputs. <paramref name="bias"/> is an additive mask or
    /// position bias broadcastable to <c>[B, H, Tq, Tk]</c>. Softmax runs in float32 for half-precision inputs.
    /// </summary>
    public static Tensor Attend(Tensor query, Tensor key, Tensor value, double scale, Tensor? bias)
    {
        using var scope = NewDisposeScope();
        var scores = query.matmul(key.transpose(-1, -2));
        if (scale != 1.0) scores = scores * scale;
        if (bias is not null) scores = scores + bias;
        var probs = scores.dtype is ScalarType.Float16 or ScalarType.BFloat16
            ? scores.to(ScalarType.Float32).softmax(-1).to(scores.dtype)
            : scores.softmax(-1);
        return probs.matmul(value).MoveToOuterDisposeScope();
    }

    /// <summary>The most negative finite value of a floating dtype (Hugging Face's <c>torch.finfo(dtype).min</c>).</summary>
    public static double MinValue(ScalarType dtype) => dtype switch
    {
        ScalarType.Float16 => -65504.0,
        ScalarType.BFloat16 => -3.3895313892515355e38,
        ScalarType.Float64 => double.MinValue,
        _ => float.MinValue,
    };

    /// <summary>
    /// A <c>[B, 1, 1, Tk]</c> additive mask from a 0/1 padding mask <c>[B, Tk]</c>: <c>(1 − m) · fill</c>, computed in
    /// <paramref name="dtype"/> (Hugging Face uses <c>finfo.min</c> in most places and −10000 in the Q-Former).
    /// </summary>
    public static Tensor PaddingBias(Tensor mask, ScalarType dtype, double fill)
    {
        using var scope = NewDisposeScope();
        var m = mask.to(dtype).unsqueeze(1).unsqueeze(1);
        return ((1.0 - m) * fill).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The decoder mask <c>[B, 1, Tq, Tk]</c> for queries at absolute positions <c>Tk − Tq … Tk − 1</c>: 0 where the key
    /// is visible (not in the future and not padding), <c>finfo.min</c> elsewhere — never the sum of two fills.
    /// </summary>
    public static Tensor CausalBias(Tensor? padding, long batch, long queryLength, long keyLength, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        long offset = keyLength - queryLength;
        var queryPositions = arange(offset, keyLength, ScalarType.Int64, device).unsqueeze(1);
        var keyPositions = arange(0, keyLength, ScalarType.Int64, device).unsqueeze(0);
        var blocked = keyPositions.gt(queryPositions).unsqueeze(0).unsqueeze(0).expand(batch, 1, queryLength, keyLength);
        if (padding is not null)
            blocked = blocked.logical_or(padding.eq(0).unsqueeze(1).unsqueeze(1));
        var bias = zeros([batch, 1, queryLength, keyLength], dtype, device).masked_fill(blocked, MinValue(dtype));
        return bias.MoveToOuterDisposeScope();
    }
}
