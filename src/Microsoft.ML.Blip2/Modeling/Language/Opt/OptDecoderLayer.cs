using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Language.Opt;

/// <summary>OPT block: attention and <c>fc2(act(fc1(x)))</c>, each with a residual; layer norms before or after per config.</summary>
public sealed class OptDecoderLayer : Blip2Module
{
#pragma warning disable IDE1006
    private readonly OptAttention self_attn;
    private readonly LayerNorm self_attn_layer_norm;
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly LayerNorm final_layer_norm;
#pragma warning restore IDE1006
    private readonly bool _normBefore;
    private readonly Func<Tensor, Tensor> _activation;

    /// <summary>Creates a placeholder block.</summary>
    public OptDecoderLayer(OptConfig config, ModuleOptions options) : base(nameof(OptDecoderLayer))
    {
        _normBefore = config.DoLayerNormBefore;
        _activation = Activations.Get(config.ActivationFunction);
        self_attn = new OptAttention(config, options);
        self_attn_layer_norm = new LayerNorm(config.HiddenSize, OptForCausalLM.LayerNormEps, options, config.LayerNormElementwiseAffine);
        fc1 = new Linear(config.HiddenSize, config.FfnDim, config.EnableBias, options);
        fc2 = new Linear(config.FfnDim, config.HiddenSize, config.EnableBias, options);
        final_layer_norm = new LayerNorm(config.HiddenSize, OptForCausalLM.LayerNormEps, options, config.LayerNormElementwiseAffine);
        RegisterComponents();
    }

    /// <summary>Applies the block.</summary>
    public Tensor Forward(Tensor hidden, Tensor bias, KeyValueCache? cache)
    {
        using var scope = NewDisposeScope();
        var attnInput = _normBefore ? self_attn_layer_norm.Forward(hidden) : hidden;
        var h = hidden + self_attn.Forward(attnInput, bias, cache);
        if (!_normBefore) h = self_attn_layer_norm.Forward(h);
        var ffnInput = _normBefore ? final_layer_norm.Forward(h) : h;
        h = h + fc2.Forward(_activation(fc1.Forward(ffnInput)));
        if (!_normBefore) h = final_layer_norm.Forward(h);
        return h.MoveToOuterDisposeScope();
    }
}
