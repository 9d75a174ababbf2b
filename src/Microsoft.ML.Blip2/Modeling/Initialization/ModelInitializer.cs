using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Language;
using Microsoft.ML.Blip2.Modeling.Layers;
using Microsoft.ML.Blip2.Modeling.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Initialization;

/// <summary>
/// Random, seeded, deterministic initialisation of a BLIP-2 model built from a configuration, so that tests and
/// experiments can make small models without a checkpoint.
/// </summary>
/// <remarks>
/// <para>The rules are those of Hugging Face's <c>_init_weights</c> of the class each parameter belongs to:</para>
/// <list type="bullet">
/// <item>Vision encoder, Q-Former, projections, ITM head, Q-Former text embeddings (<c>Blip2PreTrainedModel</c>): linear,
/// patch-convolution and embedding weights N(0, <c>initializer_range</c>²), biases 0, LayerNorm weight 1 / bias 0; the
/// vision class and position embeddings truncated N(0, <c>vision_config.initializer_range</c>²).</item>
/// <item>OPT (<c>OPTPreTrainedModel</c>): linear and embedding weights N(0, <c>init_std</c>²), biases 0, the
/// <c>pad_token_id</c> row of the token embeddings 0, LayerNorm 1 / 0.</item>
/// <item>T5 (<c>T5PreTrainedModel</c>, factor = <c>initializer_factor</c>): the fan-in-scaled normals of Mesh TensorFlow
/// (q: factor·(d_model·d_kv)^-½, k/v/wi: factor·d_model^-½, o: factor·(heads·d_kv)^-½, wo: factor·d_ff^-½), embeddings and
/// an untied LM head N(0, factor²), RMS-norm weights = factor.</item>
/// <item><c>query_tokens</c>: N(0, <c>qformer_config.initializer_range</c>²) as in LAVIS (Hugging Face leaves them zero).</item>
/// </list>
/// <para>Values are drawn in float32 on the CPU from one generator seeded with the seed, parameter by parameter in
/// state-dict order, then copied to the parameter's device and dtype: the same seed gives the same weights everywhere.
/// They are not the values PyTorch would draw for the same seed. Tied parameters (OPT <c>lm_head</c> = token embeddings,
/// T5 <c>lm_head</c> = <c>shared</c> when tied) are one parameter, initialised once by the embedding's rule.</para>
/// </remarks>
public static class ModelInitializer
{
    /// <summary>Builds a <see cref="Blip2ForConditionalGeneration"/> from <paramref name="config"/> with random weights.</summary>
    /// <param name="config">The model configuration.</param>
    /// <param name="seed">Seed of the random weights.</param>
    /// <param name="options">Device and dtype of the parameters (CPU float32 when null).</param>
    public static Blip2ForConditionalGeneration CreateConditionalGeneration(Blip2Config config, long seed, ModuleOptions? options = null) =>
        Create(() => new Blip2ForConditionalGeneration(config, options), config, seed);

    /// <summary>Builds a <see cref="Blip2ForImageTextRetrieval"/> from <paramref name="config"/> with random weights.</summary>
    /// <param name="config">The model configuration (its Q-Former needs <c>use_qformer_text_input</c> for the text path).</param>
    /// <param name="seed">Seed of the random weights.</param>
    /// <param name="options">Device and dtype of the parameters (CPU float32 when null).</param>
    public static Blip2ForImageTextRetrieval CreateImageTextRetrieval(Blip2Config config, long seed, ModuleOptions? options = null) =>
        Create(() => new Blip2ForImageTextRetrieval(config, options), config, seed);

    /// <summary>
    /// Overwrites every parameter of <paramref name="model"/> with seeded random values and ties the language model's
    /// tied weights. The model is left in eval mode, like a loaded checkpoint.
    /// </summary>
    /// <param name="model">A BLIP-2 model (or sub-model) built from <paramref name="config"/>.</param>
    /// <param name="config">The configuration whose initialiser ranges apply.</param>
    /// <param name="seed">Seed of the random weights.</param>
    /// <exception cref="InvalidOperationException">A parameter no rule covers.</exception>
    public static void Initialize(Blip2Module model, Blip2Config config, long seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        TieLanguageModelWeights(model);
        var rules = new InitializationRules(config);
        using var generator = new Generator((ulong)seed, CPU);
        var done = new HashSet<IntPtr>();
        using (no_grad())
        {
            foreach (var (fullName, owner, leaf, parameter) in ParametersWithOwners(model))
            {
                if (!done.Add(parameter.Handle)) continue; // a tied alias: already initialised under its first name
                using var scope = NewDisposeScope();
                var values = Sample(rules.For(fullName, owner, leaf), parameter.shape, generator);
                parameter.copy_(values);
            }
        }
        model.eval();
    }

    private static TModel Create<TModel>(Func<TModel> build, Blip2Config config, long seed) where TModel : Blip2Module
    {
        ArgumentNullException.ThrowIfNull(config);
        var model = build();
        try
        {
            Initialize(model, config, seed);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    // Ties exactly as the checkpoint loader does, so a random model has the parameter sharing of a loaded one.
    private static void TieLanguageModelWeights(Blip2Module model)
    {
        var languageModel = model.named_children().FirstOrDefault(c => c.name == "language_model").module as LanguageModel;
        if (languageModel is null) return;
        foreach (var (target, source) in languageModel.TiedWeights)
            CheckpointLoader.Replace(languageModel, target, CheckpointLoader.FindParameter(languageModel, source));
    }

    // named_parameters() lists a tied parameter once, under its first registered (state-dict) name, e.g. OPT's
    // embed_tokens rather than lm_head; named_modules() does not follow registration order, so owners are resolved
    // from the names.
    private static IEnumerable<(string FullName, nn.Module Owner, string Leaf, Parameter Parameter)> ParametersWithOwners(nn.Module root)
    {
        foreach (var (name, parameter) in root.named_parameters())
        {
            string[] parts = name.Split('.');
            nn.Module owner = root;
            foreach (var part in parts[..^1])
            {
                owner = owner.named_children().FirstOrDefault(c => c.name == part).module
                    ?? throw new InvalidOperationException($"Parameter '{name}': no submodule '{part}'.");
            }
            yield return (name, owner, parts[^1], parameter);
        }
    }

    // Tensor.normal_ is used because nn.init.normal_ / trunc_normal_ of TorchSharp 0.107 ignore their generator argument.
    private static Tensor Sample(ParameterInit rule, long[] shape, Generator generator)
    {
        switch (rule)
        {
            case ParameterInit.Constant c:
                return full(shape, c.Value, ScalarType.Float32);
            case ParameterInit.Normal n:
                return empty(shape, ScalarType.Float32).normal_(0.0, n.Std, generator);
            case ParameterInit.TruncatedNormal tn:
                return TruncatedNormal(shape, tn.Std, generator);
            case ParameterInit.NormalWithZeroRow z:
            {
                var t = empty(shape, ScalarType.Float32).normal_(0.0, z.Std, generator);
                t.narrow(0, z.ZeroRow, 1).zero_();
                return t;
            }
            default:
                throw new InvalidOperationException($"Unknown initialisation rule {rule}.");
        }
    }

    // N(0, std²) restricted to [−2, 2] by redrawing the values outside (the bounds of nn.init.trunc_normal_).
    private static Tensor TruncatedNormal(long[] shape, double std, Generator generator)
    {
        const double Bound = 2.0;
        var t = empty(shape, ScalarType.Float32).normal_(0.0, std, generator);
        for (var outside = t.abs().gt(Bound); outside.any().item<bool>(); outside = t.abs().gt(Bound))
        {
            var redrawn = empty(shape, ScalarType.Float32).normal_(0.0, std, generator);
            t = t.where(outside.logical_not(), redrawn);
        }
        return t;
    }
}
