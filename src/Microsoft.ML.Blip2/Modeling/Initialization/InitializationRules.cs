using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Initialization;

/// <summary>
/// Chooses the initialisation of each parameter from its state-dict name and the module that owns it, following the
/// Hugging Face <c>_init_weights</c> of the class the parameter belongs to (BLIP-2, OPT or T5), plus LAVIS for the
/// query tokens.
/// </summary>
internal sealed class InitializationRules(Blip2Config config)
{
    private const string LanguageModelPrefix = "language_model.";

    /// <summary>The rule for parameter <paramref name="leaf"/> of <paramref name="owner"/> at state-dict path <paramref name="fullName"/>.</summary>
    /// <exception cref="InvalidOperationException">A parameter no rule covers (a new module type must get a rule, never a guess).</exception>
    public ParameterInit For(string fullName, nn.Module owner, string leaf)
    {
        if (fullName.StartsWith(LanguageModelPrefix, StringComparison.Ordinal))
        {
            string inner = fullName[LanguageModelPrefix.Length..];
            return config.TextConfig switch
            {
                OptConfig opt => ForOpt(inner, owner, leaf, opt),
                T5Config t5 => ForT5(inner, owner, leaf, t5),
                var other => throw Unknown(fullName, owner, $"text config {other.GetType().Name} has no initialisation rules"),
            };
        }
        return fullName switch
        {
            // Hugging Face creates query_tokens as zeros and never re-initialises them; LAVIS draws them from
            // N(0, qformer initializer_range). Identical zero queries make every query output equal at the start,
            // so the LAVIS rule is used.
            "query_tokens" => new ParameterInit.Normal(config.QFormerConfig.InitializerRange),
            _ when owner is Vision.VisionEmbeddings && leaf is "class_embedding" or "position_embedding" =>
                new ParameterInit.TruncatedNormal(config.VisionConfig.InitializerRange),
            _ => ForBlip2Module(fullName, owner, leaf, config.InitializerRange),
        };
    }

    // Blip2PreTrainedModel._init_weights: Linear / Conv2d / Embedding weights N(0, initializer_range), zero biases,
    // LayerNorm 1 / 0.
    private static ParameterInit ForBlip2Module(string fullName, nn.Module owner, string leaf, double std) => (owner, leaf) switch
    {
        (Linear or PatchConv or Embedding, "weight") => new ParameterInit.Normal(std),
        (Linear or PatchConv, "bias") => new ParameterInit.Constant(0),
        (LayerNorm, "weight") => new ParameterInit.Constant(1),
        (LayerNorm, "bias") => new ParameterInit.Constant(0),
        (QFormer.QFormerPredictionHead, "bias") => new ParameterInit.Constant(0), // LAVIS BertLMPredictionHead: zeros
        _ => throw Unknown(fullName, owner, "no BLIP-2 rule"),
    };

    // OPTPreTrainedModel._init_weights: Linear / Embedding N(0, init_std), zero biases, the padding row of embed_tokens
    // zero; LayerNorm keeps PyTorch's 1 / 0.
    private static ParameterInit ForOpt(string name, nn.Module owner, string leaf, OptConfig opt)
    {
        if (name == "model.decoder.embed_tokens.weight" && opt.PadTokenId is int pad && pad >= 0 && pad < opt.VocabSize)
            return new ParameterInit.NormalWithZeroRow(opt.InitStd, pad);
        return ForBlip2Module(LanguageModelPrefix + name, owner, leaf, opt.InitStd);
    }

    // T5PreTrainedModel._init_weights with factor = initializer_factor: embeddings and an untied lm_head N(0, factor);
    // q N(0, factor·(d_model·d_kv)^-½); k, v, wi, wi_0, wi_1 N(0, factor·d_model^-½); o N(0, factor·(heads·d_kv)^-½);
    // wo N(0, factor·d_ff^-½); relative_attention_bias N(0, factor·d_model^-½); layer norms = factor.
    private static ParameterInit ForT5(string name, nn.Module owner, string leaf, T5Config t5)
    {
        double factor = t5.InitializerFactor;
        if (owner is RmsNorm && leaf == "weight") return new ParameterInit.Constant(factor);
        if (name is "shared.weight" or "lm_head.weight") return new ParameterInit.Normal(factor);
        if (owner is Embedding && name.EndsWith(".relative_attention_bias.weight", StringComparison.Ordinal))
            return new ParameterInit.Normal(factor * Math.Pow(t5.DModel, -0.5));
        if (owner is Linear && leaf == "weight")
        {
            string layer = name[..^".weight".Length];
            string last = layer[(layer.LastIndexOf('.') + 1)..];
            double fanIn = last switch
            {
                "q" => (double)t5.DModel * t5.DKv,
                "k" or "v" or "wi" or "wi_0" or "wi_1" => t5.DModel,
                "o" => (double)t5.NumHeads * t5.DKv,
                "wo" => t5.DFf,
                _ => throw Unknown(LanguageModelPrefix + name, owner, "no T5 rule for this linear layer"),
            };
            return new ParameterInit.Normal(factor * Math.Pow(fanIn, -0.5));
        }
        throw Unknown(LanguageModelPrefix + name, owner, "no T5 rule");
    }

    private static InvalidOperationException Unknown(string fullName, nn.Module owner, string why) =>
        new($"Cannot initialise parameter '{fullName}' of {owner.GetType().Name}: {why}.");
}
