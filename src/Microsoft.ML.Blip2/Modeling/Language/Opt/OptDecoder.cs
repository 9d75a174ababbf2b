using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Language.Opt;

/// <summary>
/// The OPT decoder stack: token embeddings (optionally projected in/out when <c>word_embed_proj_dim</c> differs from
/// <c>hidden_size</c>), learned positions with offset 2 derived from the attention mask, blocks and final layer norm.
/// </summary>
public sealed class OptDecoder : Blip2Module
{
    /// <summary>OPT's learned positions start at index 2 (fairseq legacy).</summary>
    public const long PositionOffset = 2;

#pragma warning disable IDE1006
    private readonly Embedding embed_tokens;
    private readonly Embedding embed_positions;
    private readonly Linear? project_out;
    private readonly Linear? project_in;
    private readonly LayerNorm? final_layer_norm;
    private readonly TorchSharp.Modules.ModuleList<OptDecoderLayer> layers;
#pragma warning restore IDE1006

    /// <summary>Creates a placeholder decoder.</summary>
    public OptDecoder(OptConfig config, ModuleOptions options) : base(nameof(OptDecoder))
    {
        embed_tokens = new Embedding(config.VocabSize, config.WordEmbedProjDim, options);
        embed_positions = new Embedding(config.MaxPositionEmbeddings + PositionOffset, config.HiddenSize, options);
        if (config.WordEmbedProjDim != config.HiddenSize)
        {
            project_out = new Linear(config.HiddenSize, config.WordEmbedProjDim, false, options);
            project_in = new Linear(config.WordEmbedProjDim, config.HiddenSize, false, options);
        }
        if (config.DoLayerNormBefore && !config.RemoveFinalLayerNorm)
            final_layer_norm = new LayerNorm(config.HiddenSize, OptForCausalLM.LayerNormEps, options, config.LayerNormElementwiseAffine);
        layers = new TorchSharp.Modules.ModuleList<OptDecoderLayer>();
        for (int i = 0; i < config.NumHiddenLayers; i++)
            layers.Add(new OptDecoderLayer(config, options));
        RegisterComponents();
    }

    /// <summary>Number of blocks.</summary>
    public int LayerCount => layers.Count;

    /// <summary>The token embedding table (tied to the LM head).</summary>
    public Embedding EmbedTokens => embed_tokens;

    /// <summary>
    /// Hidden states <c>[B, T, word_embed_proj_dim]</c> for new positions. Position ids are
    /// <c>cumsum(mask) · mask − 1</c> over the whole mask (padding gets −1), taken for the new positions, plus 2.
    /// </summary>
    public Tensor Forward(Tensor inputsEmbeds, Tensor attentionMask, LanguageModelCache? cache)
    {
        using var scope = NewDisposeScope();
        long batch = inputsEmbeds.shape[0], length = inputsEmbeds.shape[1];
        long past = cache?.Length ?? 0;
        if (attentionMask.shape[1] != past + length)
            throw new ArgumentException($"attention_mask covers {attentionMask.shape[1]} positions but {past} cached + {length} new were given.", nameof(attentionMask));
        var mask = attentionMask.to(ScalarType.Int64);
        var positions = (mask.cumsum(1) * mask - 1).narrow(1, past, length) + PositionOffset;
        var h = project_in is null ? inputsEmbeds : project_in.Forward(inputsEmbeds);
        h = h + embed_positions.Forward(positions).to(h.dtype);
        var bias = AttentionMath.CausalBias(mask, batch, length, past + length, h.dtype, h.device);
        for (int i = 0; i < layers.Count; i++)
            h = layers[i].Forward(h, bias, cache?.SelfAttention[i]);
        if (final_layer_norm is not null) h = final_layer_norm.Forward(h);
        if (project_out is not null) h = project_out.Forward(h);
        return h.MoveToOuterDisposeScope();
    }
}
