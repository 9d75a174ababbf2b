using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Language.Opt;

/// <summary>OPT with its language-modelling head (<c>model.decoder.*</c>, <c>lm_head</c> tied to the token embeddings).</summary>
public sealed class OptForCausalLM : CausalLanguageModel
{
    /// <summary>OPT uses PyTorch's default LayerNorm epsilon.</summary>
    public const double LayerNormEps = 1e-5;

#pragma warning disable IDE1006
    private readonly OptModel model;
    private readonly Linear lm_head;
#pragma warning restore IDE1006
    private readonly OptConfig _config;

    /// <summary>Creates a placeholder model.</summary>
    public OptForCausalLM(OptConfig config, ModuleOptions options) : base(nameof(OptForCausalLM), config)
    {
        _config = config;
        model = new OptModel(config, options);
        lm_head = new Linear(config.WordEmbedProjDim, config.VocabSize, false, options);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override long InputEmbeddingSize => _config.WordEmbedProjDim;

    /// <inheritdoc />
    public override int DecoderLayerCount => model.Decoder.LayerCount;

    /// <inheritdoc />
    public override IReadOnlyList<(string Target, string Source)> TiedWeights =>
        _config.TieWordEmbeddings ? [("lm_head.weight", "model.decoder.embed_tokens.weight")] : [];

    /// <inheritdoc />
    public override Tensor EmbedTokens(Tensor inputIds) => model.Decoder.EmbedTokens.Forward(inputIds);

    /// <inheritdoc />
    public override Tensor Forward(Tensor inputsEmbeds, Tensor attentionMask, LanguageModelCache? cache = null)
    {
        using var scope = NewDisposeScope();
        var hidden = model.Decoder.Forward(inputsEmbeds, attentionMask, cache);
        return lm_head.Forward(hidden).MoveToOuterDisposeScope();
    }
}
