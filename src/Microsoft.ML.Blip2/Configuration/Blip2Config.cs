using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// Configuration of a whole BLIP-2 model (Hugging Face <c>Blip2Config</c>, <c>model_type</c> <c>blip-2</c>, as in
/// transformers 4.45): vision encoder, Q-Former and language model, plus the number of query tokens.
/// </summary>
/// <remarks>
/// Like Hugging Face's <c>Blip2Config.__init__</c>, the constructor derives <see cref="PretrainedConfig.TieWordEmbeddings"/>
/// and <see cref="PretrainedConfig.IsEncoderDecoder"/> from the text config, sets the Q-Former's
/// <see cref="Blip2QFormerConfig.EncoderHiddenSize"/> to the vision hidden size, derives
/// <see cref="UseDecoderOnlyLanguageModel"/> from the text model type, and fixes <see cref="InitializerFactor"/> 1.0
/// and <see cref="InitializerRange"/> 0.02. When loading json, values stored for these keys are ignored, as there.
/// A <c>with</c> expression copies values as they are and derives nothing, like assigning attributes of a Hugging Face config.
/// </remarks>
public sealed record Blip2Config : PretrainedConfig
{
    /// <summary>The <c>model_type</c> of this configuration.</summary>
    public const string ModelTypeName = "blip-2";

    /// <summary>Hugging Face defaults: blip2-opt-2.7b's vision encoder and Q-Former with a default <see cref="OptConfig"/>.</summary>
    public Blip2Config()
        : this(new Blip2VisionConfig(), new Blip2QFormerConfig(), new OptConfig())
    {
    }

    /// <summary>Combines the three sub-configurations, applying Hugging Face's derived values (see remarks).</summary>
    /// <param name="visionConfig">Vision encoder configuration.</param>
    /// <param name="qformerConfig">Q-Former configuration; its <c>encoder_hidden_size</c> is replaced by the vision hidden size.</param>
    /// <param name="textConfig">Language model configuration.</param>
    public Blip2Config(Blip2VisionConfig visionConfig, Blip2QFormerConfig qformerConfig, TextConfig textConfig)
    {
        ArgumentNullException.ThrowIfNull(visionConfig);
        ArgumentNullException.ThrowIfNull(qformerConfig);
        ArgumentNullException.ThrowIfNull(textConfig);
        VisionConfig = visionConfig;
        QFormerConfig = qformerConfig with { EncoderHiddenSize = visionConfig.HiddenSize };
        TextConfig = textConfig;
        TieWordEmbeddings = textConfig.TieWordEmbeddings;
        IsEncoderDecoder = textConfig.IsEncoderDecoder;
        UseDecoderOnlyLanguageModel = IsCausalLanguageModelType(textConfig.ModelType);
    }

    /// <inheritdoc/>
    public override string ModelType => ModelTypeName;

    /// <summary><c>vision_config</c>.</summary>
    public Blip2VisionConfig VisionConfig { get; init; }

    /// <summary><c>qformer_config</c>.</summary>
    public Blip2QFormerConfig QFormerConfig { get; init; }

    /// <summary><c>text_config</c>: the language model (<see cref="OptConfig"/> or <see cref="T5Config"/>).</summary>
    public TextConfig TextConfig { get; init; }

    /// <summary><c>num_query_tokens</c>: learned queries fed to the Q-Former (default 32).</summary>
    public int NumQueryTokens { get; init; } = 32;

    /// <summary><c>image_text_hidden_size</c>: width of the image-text contrastive projections (default 256).</summary>
    public int ImageTextHiddenSize { get; init; } = 256;

    /// <summary>
    /// <c>image_token_index</c>: id of the <c>&lt;image&gt;</c> placeholder token whose embeddings are replaced by the
    /// projected queries; null for legacy checkpoints, where the queries are prepended instead.
    /// </summary>
    public int? ImageTokenIndex { get; init; }

    /// <summary><c>use_decoder_only_language_model</c>: true when the text model is causal (OPT), false for T5.</summary>
    public bool UseDecoderOnlyLanguageModel { get; init; }

    /// <summary><c>initializer_factor</c>: always 1.0 in transformers 4.45.</summary>
    public double InitializerFactor { get; init; } = 1.0;

    /// <summary><c>initializer_range</c>: always 0.02 in transformers 4.45.</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary>Hugging Face's <c>from_vision_qformer_text_configs</c>.</summary>
    /// <param name="visionConfig">Vision encoder configuration.</param>
    /// <param name="qformerConfig">Q-Former configuration.</param>
    /// <param name="textConfig">Language model configuration; null means a default <see cref="OptConfig"/>.</param>
    /// <param name="numQueryTokens"><c>num_query_tokens</c>.</param>
    /// <param name="imageTextHiddenSize"><c>image_text_hidden_size</c>.</param>
    /// <param name="imageTokenIndex"><c>image_token_index</c>.</param>
    public static Blip2Config FromVisionQFormerTextConfigs(
        Blip2VisionConfig visionConfig,
        Blip2QFormerConfig qformerConfig,
        TextConfig? textConfig = null,
        int numQueryTokens = 32,
        int imageTextHiddenSize = 256,
        int? imageTokenIndex = null) =>
        new(visionConfig, qformerConfig, textConfig ?? new OptConfig())
        {
            NumQueryTokens = numQueryTokens,
            ImageTextHiddenSize = imageTextHiddenSize,
            ImageTokenIndex = imageTokenIndex,
        };

    /// <summary>Loads <c>config.json</c> from a checkpoint directory.</summary>
    /// <param name="directory">Checkpoint directory.</param>
    /// <exception cref="InvalidDataException">Malformed json, a wrong value type, or a <c>model_type</c> other than <c>blip-2</c>.</exception>
    /// <exception cref="NotSupportedException">The text config's <c>model_type</c> is not one of <see cref="TextConfig.SupportedModelTypes"/>.</exception>
    public static Blip2Config FromDirectory(string directory) => FromFile(ConfigJsonFile.PathInDirectory(directory, FileName));

    /// <summary>Loads a BLIP-2 configuration file (see <see cref="FromDirectory"/>).</summary>
    /// <param name="path">Path of the json file.</param>
    public static Blip2Config FromFile(string path) => Read(new ConfigJsonReader(ConfigJsonFile.ReadObject(path), path));

    /// <summary>Parses BLIP-2 configuration json (see <see cref="FromDirectory"/>).</summary>
    /// <param name="json">The json text.</param>
    public static Blip2Config FromJson(string json) =>
        Read(new ConfigJsonReader(ConfigJsonFile.ParseObject(json, ConfigJsonFile.InlineSource), ConfigJsonFile.InlineSource));

    internal static Blip2Config Read(ConfigJsonReader reader)
    {
        reader.ExpectModelType(ModelTypeName);
        var vision = Blip2VisionConfig.Read(reader.GetNestedObject("vision_config"));
        var qformer = Blip2QFormerConfig.Read(reader.GetNestedObject("qformer_config"));
        // HF builds the text config with CONFIG_MAPPING[model_type], "opt" when absent.
        var text = TextConfig.Read(reader.GetNestedObject("text_config"), defaultModelType: OptConfig.ModelTypeName);
        var config = new Blip2Config(vision, qformer, text)
        {
            NumQueryTokens = reader.GetInt32("num_query_tokens", 32),
            ImageTextHiddenSize = reader.GetInt32("image_text_hidden_size", 256),
            ImageTokenIndex = reader.GetNullableInt32("image_token_index", null),
        };

        // __init__ overwrites these after reading its kwargs, so stored values have no effect.
        reader.Skip("use_decoder_only_language_model", "initializer_factor", "initializer_range");
        config = ReadGenericProperties(config, reader);
        return config with { TieWordEmbeddings = text.TieWordEmbeddings, IsEncoderDecoder = text.IsEncoderDecoder };
    }

    private protected override PretrainedConfig CreateClassDefault() => new Blip2Config();

    private protected override IEnumerable<KeyValuePair<string, PretrainedConfig>> NestedConfigs =>
    [
        new("vision_config", VisionConfig),
        new("qformer_config", QFormerConfig),
        new("text_config", TextConfig),
    ];

    private protected override void WriteModelProperties(JsonObject json)
    {
        json["vision_config"] = NestedJson(VisionConfig);
        json["qformer_config"] = NestedJson(QFormerConfig);
        json["text_config"] = NestedJson(TextConfig);
        json["num_query_tokens"] = NumQueryTokens;
        json["image_text_hidden_size"] = ImageTextHiddenSize;
        json["image_token_index"] = ConfigJsonWriter.Int(ImageTokenIndex);
        json["use_decoder_only_language_model"] = UseDecoderOnlyLanguageModel;
        json["initializer_factor"] = ConfigJsonWriter.Float(InitializerFactor, "initializer_factor");
        json["initializer_range"] = ConfigJsonWriter.Float(InitializerRange, "initializer_range");
    }

    /// <summary>A sub-config as <c>to_dict()</c> nests it: without <c>transformers_version</c>.</summary>
    private static JsonObject NestedJson(PretrainedConfig config)
    {
        JsonObject json = config.BuildFullJson();
        json.Remove("transformers_version");
        return json;
    }

    /// <summary>Of the supported text models only OPT is in HF's MODEL_FOR_CAUSAL_LM_MAPPING_NAMES.</summary>
    private static bool IsCausalLanguageModelType(string modelType) => modelType == OptConfig.ModelTypeName;
}
