using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// Configuration of a T5 encoder-decoder language model (Hugging Face <c>T5Config</c>, <c>model_type</c> <c>t5</c>;
/// Flan-T5 uses <c>feed_forward_proj</c> <c>gated-gelu</c>). Defaults are t5-small's shape with pad 0 and eos 1.
/// </summary>
public sealed record T5Config : TextConfig
{
    /// <summary>The <c>model_type</c> of this configuration.</summary>
    public const string ModelTypeName = "t5";

    private readonly string _feedForwardProj = "relu";
    private int? _numDecoderLayers;

    /// <summary>Hugging Face defaults, including T5's token ids and <c>is_encoder_decoder</c> true.</summary>
    public T5Config()
    {
        PadTokenId = 0;
        EosTokenIds = [1];
        IsEncoderDecoder = true;
    }

    /// <inheritdoc/>
    public override string ModelType => ModelTypeName;

    /// <summary><c>vocab_size</c> (default 32128).</summary>
    public override int VocabSize { get; init; } = 32128;

    /// <summary>Same as <see cref="DModel"/> (Hugging Face maps <c>hidden_size</c> to <c>d_model</c>).</summary>
    public override int HiddenSize
    {
        get => DModel;
        init => DModel = value;
    }

    /// <summary><c>d_model</c>: width of the hidden states (default 512).</summary>
    public int DModel { get; init; } = 512;

    /// <summary><c>d_kv</c>: width of one attention head (default 64).</summary>
    public int DKv { get; init; } = 64;

    /// <summary><c>d_ff</c>: width of the feed-forward layers (default 2048).</summary>
    public int DFf { get; init; } = 2048;

    /// <summary><c>num_layers</c>: encoder layers (default 6).</summary>
    public int NumLayers { get; init; } = 6;

    /// <summary><c>num_decoder_layers</c>: decoder layers; follows <see cref="NumLayers"/> unless set.</summary>
    public int NumDecoderLayers
    {
        get => _numDecoderLayers ?? NumLayers;
        init => _numDecoderLayers = value;
    }

    /// <summary><c>num_heads</c> (default 8).</summary>
    public int NumHeads { get; init; } = 8;

    /// <summary><c>relative_attention_num_buckets</c> (default 32).</summary>
    public int RelativeAttentionNumBuckets { get; init; } = 32;

    /// <summary><c>relative_attention_max_distance</c> (default 128).</summary>
    public int RelativeAttentionMaxDistance { get; init; } = 128;

    /// <summary><c>dropout_rate</c> (default 0.1).</summary>
    public double DropoutRate { get; init; } = 0.1;

    /// <summary><c>classifier_dropout</c> (default 0.0).</summary>
    public double ClassifierDropout { get; init; }

    /// <summary><c>layer_norm_epsilon</c> of the RMS norms (default 1e-6).</summary>
    public double LayerNormEpsilon { get; init; } = 1e-6;

    /// <summary><c>initializer_factor</c> (default 1.0).</summary>
    public double InitializerFactor { get; init; } = 1.0;

    /// <summary>
    /// <c>feed_forward_proj</c>: <c>{ACT}</c> or <c>gated-{ACT}</c> (default <c>relu</c>). Setting it also sets
    /// <see cref="DenseActFn"/> and <see cref="IsGatedAct"/> as Hugging Face's <c>T5Config.__init__</c> derives them;
    /// set those after it to override.
    /// </summary>
    /// <exception cref="ArgumentException">The value is not of the form <c>{ACT}</c> or <c>gated-{ACT}</c>.</exception>
    public string FeedForwardProj
    {
        get => _feedForwardProj;
        init
        {
            (DenseActFn, IsGatedAct) = DeriveActivation(value)
                ?? throw new ArgumentException(InvalidFeedForwardProjMessage(value), nameof(FeedForwardProj));
            _feedForwardProj = value;
        }
    }

    /// <summary><c>dense_act_fn</c>: activation of the feed-forward layers (<c>gated-gelu</c> means <c>gelu_new</c>).</summary>
    public string DenseActFn { get; init; } = "relu";

    /// <summary><c>is_gated_act</c>: whether the feed-forward layers are gated (<c>wi_0</c>, <c>wi_1</c>).</summary>
    public bool IsGatedAct { get; init; }

    internal static T5Config Read(ConfigJsonReader reader)
    {
        reader.ExpectModelType(ModelTypeName);
        var defaults = new T5Config();
        string feedForwardProj = reader.GetString("feed_forward_proj", defaults.FeedForwardProj);
        if (DeriveActivation(feedForwardProj) is null)
        {
            throw reader.Error("feed_forward_proj", InvalidFeedForwardProjMessage(feedForwardProj));
        }

        int numLayersArgument = reader.GetInt32("num_layers", defaults.NumLayers);
        int numDecoderLayers = reader.GetNullableInt32("num_decoder_layers", null) ?? numLayersArgument;

        // HF's attribute_map sends hidden_size, num_attention_heads and num_hidden_layers to d_model, num_heads and
        // num_layers; they are set after the named arguments, so they win.
        var config = defaults with
        {
            VocabSize = reader.GetInt32("vocab_size", defaults.VocabSize),
            DModel = reader.GetInt32("hidden_size", reader.GetInt32("d_model", defaults.DModel)),
            DKv = reader.GetInt32("d_kv", defaults.DKv),
            DFf = reader.GetInt32("d_ff", defaults.DFf),
            NumLayers = reader.GetInt32("num_hidden_layers", numLayersArgument),
            NumHeads = reader.GetInt32("num_attention_heads", reader.GetInt32("num_heads", defaults.NumHeads)),
            RelativeAttentionNumBuckets = reader.GetInt32("relative_attention_num_buckets", defaults.RelativeAttentionNumBuckets),
            RelativeAttentionMaxDistance = reader.GetInt32("relative_attention_max_distance", defaults.RelativeAttentionMaxDistance),
            DropoutRate = reader.GetDouble("dropout_rate", defaults.DropoutRate),
            ClassifierDropout = reader.GetDouble("classifier_dropout", defaults.ClassifierDropout),
            LayerNormEpsilon = reader.GetDouble("layer_norm_epsilon", defaults.LayerNormEpsilon),
            InitializerFactor = reader.GetDouble("initializer_factor", defaults.InitializerFactor),
            FeedForwardProj = feedForwardProj,
            UseCache = reader.GetBoolean("use_cache", defaults.UseCache),
        };

        // Stored dense_act_fn / is_gated_act reach HF as extra kwargs, applied after the derivation.
        config = config with
        {
            DenseActFn = reader.GetString("dense_act_fn", config.DenseActFn),
            IsGatedAct = reader.GetBoolean("is_gated_act", config.IsGatedAct),
        };

        // A value equal to num_layers stays implicit, so a re-read config equals one built in code.
        if (numDecoderLayers != config.NumLayers)
        {
            config = config with { NumDecoderLayers = numDecoderLayers };
        }

        return ReadGenericProperties(config, reader);
    }

    /// <summary>
    /// <c>T5Config.__init__</c>: split on '-', the activation is the last part, gated when the first part is
    /// <c>gated</c>; more than two parts, or two parts not starting with <c>gated</c>, is an error (null here);
    /// <c>gated-gelu</c> means <c>gelu_new</c> for backward compatibility.
    /// </summary>
    private static (string DenseActFn, bool IsGatedAct)? DeriveActivation(string feedForwardProj)
    {
        ArgumentNullException.ThrowIfNull(feedForwardProj);
        string[] parts = feedForwardProj.Split('-');
        bool isGated = parts[0] == "gated";
        if ((parts.Length > 1 && !isGated) || parts.Length > 2)
        {
            return null;
        }

        return (feedForwardProj == "gated-gelu" ? "gelu_new" : parts[^1], isGated);
    }

    private static string InvalidFeedForwardProjMessage(string feedForwardProj) =>
        $"`feed_forward_proj`: {feedForwardProj} is not a valid activation function of the dense layer. Please make sure " +
        "`feed_forward_proj` is of the format `gated-{ACT_FN}` or `{ACT_FN}`, e.g. 'gated-gelu' or 'relu'";

    private protected override PretrainedConfig CreateClassDefault() => new T5Config();

    private protected override void WriteModelProperties(JsonObject json)
    {
        json["vocab_size"] = VocabSize;
        json["d_model"] = DModel;
        json["d_kv"] = DKv;
        json["d_ff"] = DFf;
        json["num_layers"] = NumLayers;
        json["num_decoder_layers"] = NumDecoderLayers;
        json["num_heads"] = NumHeads;
        json["relative_attention_num_buckets"] = RelativeAttentionNumBuckets;
        json["relative_attention_max_distance"] = RelativeAttentionMaxDistance;
        json["dropout_rate"] = ConfigJsonWriter.Float(DropoutRate, "dropout_rate");
        json["classifier_dropout"] = ConfigJsonWriter.Float(ClassifierDropout, "classifier_dropout");
        json["layer_norm_epsilon"] = ConfigJsonWriter.Float(LayerNormEpsilon, "layer_norm_epsilon");
        json["initializer_factor"] = ConfigJsonWriter.Float(InitializerFactor, "initializer_factor");
        json["feed_forward_proj"] = FeedForwardProj;
        json["use_cache"] = UseCache;
        json["dense_act_fn"] = DenseActFn;
        json["is_gated_act"] = IsGatedAct;
    }
}
