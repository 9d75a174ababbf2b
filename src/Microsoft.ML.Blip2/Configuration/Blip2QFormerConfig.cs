using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// Configuration of the BLIP-2 Querying Transformer (Hugging Face <c>Blip2QFormerConfig</c>, <c>model_type</c>
/// <c>blip_2_qformer</c>): a BERT-like encoder whose layers cross-attend to the image features.
/// </summary>
public sealed record Blip2QFormerConfig : PretrainedConfig
{
    /// <summary>The <c>model_type</c> of this configuration.</summary>
    public const string ModelTypeName = "blip_2_qformer";

    /// <summary>Hugging Face defaults; <c>pad_token_id</c> is 0 for the Q-Former.</summary>
    public Blip2QFormerConfig()
    {
        PadTokenId = 0;
    }

    /// <inheritdoc/>
    public override string ModelType => ModelTypeName;

    /// <summary><c>vocab_size</c> of the text embeddings (default 30522).</summary>
    public int VocabSize { get; init; } = 30522;

    /// <summary><c>hidden_size</c> (default 768).</summary>
    public int HiddenSize { get; init; } = 768;

    /// <summary><c>num_hidden_layers</c> (default 12).</summary>
    public int NumHiddenLayers { get; init; } = 12;

    /// <summary><c>num_attention_heads</c> (default 12).</summary>
    public int NumAttentionHeads { get; init; } = 12;

    /// <summary><c>intermediate_size</c> of the feed-forward layers (default 3072).</summary>
    public int IntermediateSize { get; init; } = 3072;

    /// <summary><c>hidden_act</c> (default <c>gelu</c>).</summary>
    public string HiddenAct { get; init; } = "gelu";

    /// <summary><c>hidden_dropout_prob</c> (default 0.1).</summary>
    public double HiddenDropoutProb { get; init; } = 0.1;

    /// <summary><c>attention_probs_dropout_prob</c> (default 0.1).</summary>
    public double AttentionProbsDropoutProb { get; init; } = 0.1;

    /// <summary><c>max_position_embeddings</c> (default 512).</summary>
    public int MaxPositionEmbeddings { get; init; } = 512;

    /// <summary><c>initializer_range</c> (default 0.02).</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary><c>layer_norm_eps</c> (default 1e-12).</summary>
    public double LayerNormEps { get; init; } = 1e-12;

    /// <summary><c>position_embedding_type</c> (default <c>absolute</c>).</summary>
    public string PositionEmbeddingType { get; init; } = "absolute";

    /// <summary><c>cross_attention_frequency</c>: every n-th layer cross-attends to the image (default 2).</summary>
    public int CrossAttentionFrequency { get; init; } = 2;

    /// <summary><c>encoder_hidden_size</c>: width of the image features; <see cref="Blip2Config"/> sets it to the vision hidden size.</summary>
    public int EncoderHiddenSize { get; init; } = 1408;

    /// <summary><c>use_qformer_text_input</c>: whether the Q-Former also embeds text (image-text retrieval; default false).</summary>
    public bool UseQformerTextInput { get; init; }

    /// <summary>
    /// Loads <c>config.json</c> of a checkpoint saved as <c>Blip2QFormerModel</c>; a full BLIP-2 <c>config.json</c>
    /// (<c>model_type</c> <c>blip-2</c>) is accepted too and its <c>qformer_config</c> is used, as Hugging Face does.
    /// </summary>
    /// <param name="directory">Checkpoint directory.</param>
    /// <exception cref="InvalidDataException">Malformed json, a wrong value type, or another model's config.</exception>
    public static Blip2QFormerConfig FromDirectory(string directory) => FromFile(ConfigJsonFile.PathInDirectory(directory, FileName));

    /// <summary>Loads a Q-Former configuration file (see <see cref="FromDirectory"/>).</summary>
    /// <param name="path">Path of the json file.</param>
    public static Blip2QFormerConfig FromFile(string path) => Read(ConfigJsonFile.ReadObject(path), path);

    /// <summary>Parses Q-Former configuration json (see <see cref="FromDirectory"/>).</summary>
    /// <param name="json">The json text.</param>
    public static Blip2QFormerConfig FromJson(string json) =>
        Read(ConfigJsonFile.ParseObject(json, ConfigJsonFile.InlineSource), ConfigJsonFile.InlineSource);

    private static Blip2QFormerConfig Read(JsonObject json, string source)
    {
        var reader = new ConfigJsonReader(json, source);
        return reader.PeekModelType() == Blip2Config.ModelTypeName ? Read(reader.GetRequiredNestedObject("qformer_config")) : Read(reader);
    }

    internal static Blip2QFormerConfig Read(ConfigJsonReader reader)
    {
        reader.ExpectModelType(ModelTypeName);
        var defaults = new Blip2QFormerConfig();
        var config = defaults with
        {
            VocabSize = reader.GetInt32("vocab_size", defaults.VocabSize),
            HiddenSize = reader.GetInt32("hidden_size", defaults.HiddenSize),
            NumHiddenLayers = reader.GetInt32("num_hidden_layers", defaults.NumHiddenLayers),
            NumAttentionHeads = reader.GetInt32("num_attention_heads", defaults.NumAttentionHeads),
            IntermediateSize = reader.GetInt32("intermediate_size", defaults.IntermediateSize),
            HiddenAct = reader.GetString("hidden_act", defaults.HiddenAct),
            HiddenDropoutProb = reader.GetDouble("hidden_dropout_prob", defaults.HiddenDropoutProb),
            AttentionProbsDropoutProb = reader.GetDouble("attention_probs_dropout_prob", defaults.AttentionProbsDropoutProb),
            MaxPositionEmbeddings = reader.GetInt32("max_position_embeddings", defaults.MaxPositionEmbeddings),
            InitializerRange = reader.GetDouble("initializer_range", defaults.InitializerRange),
            LayerNormEps = reader.GetDouble("layer_norm_eps", defaults.LayerNormEps),
            PositionEmbeddingType = reader.GetString("position_embedding_type", defaults.PositionEmbeddingType),
            CrossAttentionFrequency = reader.GetInt32("cross_attention_frequency", defaults.CrossAttentionFrequency),
            EncoderHiddenSize = reader.GetInt32("encoder_hidden_size", defaults.EncoderHiddenSize),
            UseQformerTextInput = reader.GetBoolean("use_qformer_text_input", defaults.UseQformerTextInput),
        };
        return ReadGenericProperties(config, reader);
    }

    private protected override PretrainedConfig CreateClassDefault() => new Blip2QFormerConfig();

    private protected override void WriteModelProperties(JsonObject json)
    {
        json["vocab_size"] = VocabSize;
        json["hidden_size"] = HiddenSize;
        json["num_hidden_layers"] = NumHiddenLayers;
        json["num_attention_heads"] = NumAttentionHeads;
        json["intermediate_size"] = IntermediateSize;
        json["hidden_act"] = HiddenAct;
        json["hidden_dropout_prob"] = ConfigJsonWriter.Float(HiddenDropoutProb, "hidden_dropout_prob");
        json["attention_probs_dropout_prob"] = ConfigJsonWriter.Float(AttentionProbsDropoutProb, "attention_probs_dropout_prob");
        json["max_position_embeddings"] = MaxPositionEmbeddings;
        json["initializer_range"] = ConfigJsonWriter.Float(InitializerRange, "initializer_range");
        json["layer_norm_eps"] = ConfigJsonWriter.Float(LayerNormEps, "layer_norm_eps");
        json["position_embedding_type"] = PositionEmbeddingType;
        json["cross_attention_frequency"] = CrossAttentionFrequency;
        json["encoder_hidden_size"] = EncoderHiddenSize;
        json["use_qformer_text_input"] = UseQformerTextInput;
    }
}
