using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Language.T5;

/// <summary>The T5 encoder or decoder (<c>block.N</c>, <c>final_layer_norm</c>); embeddings are shared and live in the parent.</summary>
public sealed class T5Stack : Blip2Module
{
#pragma warning disable IDE1006
    private readonly TorchSharp.Modules.ModuleList<T5Block> block;
    private readonly RmsNorm final_layer_norm;
#pragma warning restore IDE1006
    private readonly bool _isDecoder;

    /// <summary>Creates a placeholder stack.</summary>
    public T5Stack(T5Config config, bool isDecoder, ModuleOptions options) : base(nameof(T5Stack))
    {
        _isDecoder = isDecoder;
        int layers = isDecoder ? config.NumDecoderLayers : config.NumLayers;
        block = new TorchSharp.Modules.ModuleList<T5Block>();
        for (int i = 0; i < layers; i++)
            block.Add(new T5Block(config, hasRelativeAttentionBias: i == 0, isDecoder, options));
        final_layer_norm = new RmsNorm(config.DModel, config.LayerNormEpsilon, options);
        RegisterComponents();
    }

    /// <summary>Number of blocks.</summary>
    public int LayerCount => block.Count;

    /// <summary>
    /// Runs the stack on <c>[B, T, D]</c> embeddings. For the decoder, <paramref name="attentionMask"/> covers cached +
    /// new positions and the mask is causal; <paramref name="encoderHidden"/> is the encoder output.
    /// </summary>
    public Tensor Forward(Tensor inputsEmbeds, Tensor? attentionMask, Tensor? encoderHidden, Tensor? encoderMask, LanguageModelCache? cache)
    {
        using var scope = NewDisposeScope();
        long batch = inputsEmbeds.shape[0], length = inputsEmbeds.shape[1];
        var dtype = inputsEmbeds.dtype;
        double min = AttentionMath.MinValue(dtype);
        Tensor? mask;
        if (_isDecoder)
        {
            long past = cache?.Length ?? 0;
            if (attentionMask is not null && attentionMask.shape[1] != past + length)
                throw new ArgumentException($"decoder_attention_mask covers {attentionMask.shape[1]} positions but {past} cached + {length} new were given.", nameof(attentionMask));
            mask = AttentionMath.CausalBias(attentionMask, batch, length, past + length, dtype, inputsEmbeds.device);
        }
        else
        {
            mask = attentionMask is null ? null : AttentionMath.PaddingBias(attentionMask, dtype, min);
        }
        var crossMask = encoderHidden is null || encoderMask is null ? null : AttentionMath.PaddingBias(encoderMask, dtype, min);
        var h = inputsEmbeds;
        Tensor? selfBias = null, crossBias = null;
        for (int i = 0; i < block.Count; i++)
            (h, selfBias, crossBias) = block[i].Forward(h, mask, selfBias, encoderHidden, crossMask, crossBias,
                cache?.SelfAttention[i], cache?.CrossAttention?[i]);
        return final_layer_norm.Forward(h).MoveToOuterDisposeScope();
    }
}
