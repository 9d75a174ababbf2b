using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Language.T5;

/// <summary>
/// T5's feed-forward (<c>DenseReluDense</c>): <c>wo(act(wi x))</c>, or gated <c>wo(act(wi_0 x) · wi_1 x)</c> for
/// <c>gated-*</c> <c>feed_forward_proj</c>. The input of <c>wo</c> is cast to its dtype (Hugging Face keeps <c>wo</c> in
/// float32 when loading float16 weights).
/// </summary>
public sealed class T5FeedForward : Blip2Module
{
#pragma warning disable IDE1006
    private readonly Linear? wi;
    private readonly Linear? wi_0;
    private readonly Linear? wi_1;
    private readonly Linear wo;
#pragma warning restore IDE1006
    private readonly Func<Tensor, Tensor> _activation;

    /// <summary>Creates a placeholder block.</summary>
    public T5FeedForward(T5Config config, ModuleOptions options) : base(nameof(T5FeedForward))
    {
        if (config.IsGatedAct)
        {
            wi_0 = new Linear(config.DModel, config.DFf, false, options);
            wi_1 = new Linear(config.DModel, config.DFf, false, options);
        }
        else
        {
            wi = new Linear(config.DModel, config.DFf, false, options);
        }
        wo = new Linear(config.DFf, config.DModel, false, options);
        _activation = Activations.Get(config.DenseActFn);
        RegisterComponents();
    }

    /// <summary>Applies the block.</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = wi is not null ? _activation(wi.Forward(x)) : _activation(wi_0!.Forward(x)) * wi_1!.Forward(x);
        if (h.dtype != wo.Weight.dtype) h = h.to(wo.Weight.dtype);
        return wo.Forward(h).MoveToOuterDisposeScope();
    }
}
