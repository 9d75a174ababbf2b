using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// Configuration of an OPT decoder-only language model (Hugging Face <c>OPTConfig</c>, <c>model_type</c> <c>opt</c>).
/// Defaults are facebook/opt-125m's shape with OPT's special tokens (bos 2, eos 2, pad 1).
/// </summary>
public sealed record OptConfig : TextConfig
{
    /// <summary>The <c>model_type</c> of this configuration.</summary>
    public const string ModelTypeName = "opt";

    private int? _wordEmbedProjDim;

    /// <summary>Hugging Face defaults, including OPT's token ids.</summary>
    public OptConfig()
    {
        BosTokenId = 2;
        EosTokenIds = [2];
        PadTokenId = 1;
    }

    /// <inheritdoc/>
    public override string ModelType => ModelTypeName;

    /// <summary><c>vocab_size</c> (default 50272).</summary>
    public override int VocabSize { get; init; } = 50272;

    /// <summary><c>hidden_size</c> (default 768).</summary>
    public override int HiddenSize { get; init; } = 768;

    /// <summary><c>num_hidden_layers</c> (default 12).</summary>
    public int NumHiddenLayers { get; init; } = 12;

    /// <summary><c>ffn_dim</c>: width of the feed-forward layers (default 3072).</summary>
    public int FfnDim { get; init; } = 3072;

    /// <summary><c>max_position_embeddings</c> (default 2048).</summary>
    public int MaxPositionEmbeddings { get; init; } = 2048;

    /// <summary><c>do_layer_norm_before</c>: pre-norm layers (true for every size but 350m).</summary>
    public bool DoLayerNormBefore { get; init; } = true;

    /// <summary><c>_remove_final_layer_norm</c>: compatibility flag for checkpoints fine-tuned before transformers 4.20.1.</summary>
    public bool RemoveFinalLayerNorm { get; init; }

    /// <summary><c>word_embed_proj_dim</c>: width of the token embeddings; follows <see cref="HiddenSize"/> unless set.</summary>
    public int WordEmbedProjDim
    {
        get => _wordEmbedProjDim ?? HiddenSize;
        init => _wordEmbedProjDim = value;
    }

    /// <summary><c>dropout</c> (default 0.1).</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary><c>attention_dropout</c> (default 0.0).</summary>
    public double AttentionDropout { get; init; }

    /// <summary><c>num_attention_heads</c> (default 12).</summary>
    public int NumAttentionHeads { get; init; } = 12;

    /// <summary><c>activation_function</c> (default <c>relu</c>).</summary>
    public string ActivationFunction { get; init; } = "relu";

    /// <summary><c>layerdrop</c> (default 0.0).</summary>
    public double LayerDrop { get; init; }

    /// <summary><c>init_std</c> (default 0.02).</summary>
    public double InitStd { get; init; } = 0.02;

    /// <summary><c>enable_bias</c>: whether linear layers have biases (default true).</summary>
    public bool EnableBias { get; init; } = true;

    /// <summary><c>layer_norm_elementwise_affine</c>: whether layer norms have weight and bias (default true).</summary>
    public bool LayerNormElementwiseAffine { get; init; } = true;

    internal static OptConfig Read(ConfigJsonReader reader)
    {
        reader.ExpectModelType(ModelTypeName);
        var defaults = new OptConfig();
        var config = defaults with
        {
            VocabSize = reader.GetInt32("vocab_size", defaults.VocabSize),
            HiddenSize = reader.GetInt32("hidden_size", defaults.HiddenSize),
            NumHiddenLayers = reader.GetInt32("num_hidden_layers", defaults.NumHiddenLayers),
            FfnDim = reader.GetInt32("ffn_dim", defaults.FfnDim),
            MaxPositionEmbeddings = reader.GetInt32("max_position_embeddings", defaults.MaxPositionEmbeddings),
            DoLayerNormBefore = reader.GetBoolean("do_layer_norm_before", defaults.DoLayerNormBefore),
            RemoveFinalLayerNorm = reader.GetBoolean("_remove_final_layer_norm", defaults.RemoveFinalLayerNorm),
            Dropout = reader.GetDouble("dropout", defaults.Dropout),
            AttentionDropout = reader.GetDouble("attention_dropout", defaults.AttentionDropout),
            NumAttentionHeads = reader.GetInt32("num_attention_heads", defaults.NumAttentionHeads),
            ActivationFunction = reader.GetString("activation_function", defaults.ActivationFunction),
            LayerDrop = reader.GetDouble("layerdrop", defaults.LayerDrop),
            InitStd = reader.GetDouble("init_std", defaults.InitStd),
            EnableBias = reader.GetBoolean("enable_bias", defaults.EnableBias),
            LayerNormElementwiseAffine = reader.GetBoolean("layer_norm_elementwise_affine", defaults.LayerNormElementwiseAffine),
            UseCache = reader.GetBoolean("use_cache", defaults.UseCache),
        };

        // A value equal to hidden_size stays implicit, so a re-read config equals one built in code.
        int? wordEmbedProjDim = reader.GetNullableInt32("word_embed_proj_dim", null);
        if (wordEmbedProjDim is int dim && dim != config.HiddenSize)
        {
            config = config with { WordEmbedProjDim = dim };
        }

        return ReadGenericProperties(config, reader);
    }

    private protected override PretrainedConfig CreateClassDefault() => new OptConfig();

    private protected override void WriteModelProperties(JsonObject json)
    {
        json["vocab_size"] = VocabSize;
        json["hidden_size"] = HiddenSize;
        json["num_hidden_layers"] = NumHiddenLayers;
        json["ffn_dim"] = FfnDim;
        json["max_position_embeddings"] = MaxPositionEmbeddings;
        json["do_layer_norm_before"] = DoLayerNormBefore;
        json["_remove_final_layer_norm"] = RemoveFinalLayerNorm;
        json["word_embed_proj_dim"] = WordEmbedProjDim;
        json["dropout"] = ConfigJsonWriter.Float(Dropout, "dropout");
        json["attention_dropout"] = ConfigJsonWriter.Float(AttentionDropout, "attention_dropout");
        json["num_attention_heads"] = NumAttentionHeads;
        json["activation_function"] = ActivationFunction;
        json["layerdrop"] = ConfigJsonWriter.Float(LayerDrop, "layerdrop");
        json["init_std"] = ConfigJsonWriter.Float(InitStd, "init_std");
        json["enable_bias"] = EnableBias;
        json["layer_norm_elementwise_affine"] = LayerNormElementwiseAffine;
        json["use_cache"] = UseCache;
    }
}
