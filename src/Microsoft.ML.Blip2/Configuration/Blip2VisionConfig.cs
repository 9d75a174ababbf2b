using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// Configuration of the BLIP-2 vision encoder (Hugging Face <c>Blip2VisionConfig</c>, <c>model_type</c>
/// <c>blip_2_vision_model</c>). Defaults are those of Salesforce/blip2-opt-2.7b's EVA ViT-g.
/// </summary>
public sealed record Blip2VisionConfig : PretrainedConfig
{
    /// <summary>The <c>model_type</c> of this configuration.</summary>
    public const string ModelTypeName = "blip_2_vision_model";

    /// <inheritdoc/>
    public override string ModelType => ModelTypeName;

    /// <summary><c>hidden_size</c> (default 1408).</summary>
    public int HiddenSize { get; init; } = 1408;

    /// <summary><c>intermediate_size</c> of the MLP (default 6144).</summary>
    public int IntermediateSize { get; init; } = 6144;

    /// <summary><c>num_hidden_layers</c> (default 39).</summary>
    public int NumHiddenLayers { get; init; } = 39;

    /// <summary><c>num_attention_heads</c> (default 16).</summary>
    public int NumAttentionHeads { get; init; } = 16;

    /// <summary><c>image_size</c>: side of the square input image in pixels (default 224).</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary><c>patch_size</c> in pixels (default 14).</summary>
    public int PatchSize { get; init; } = 14;

    /// <summary><c>hidden_act</c> (default <c>gelu</c>).</summary>
    public string HiddenAct { get; init; } = "gelu";

    /// <summary><c>layer_norm_eps</c> (default 1e-6).</summary>
    public double LayerNormEps { get; init; } = 1e-6;

    /// <summary><c>attention_dropout</c> (default 0.0).</summary>
    public double AttentionDropout { get; init; }

    /// <summary><c>initializer_range</c> (default 1e-10).</summary>
    public double InitializerRange { get; init; } = 1e-10;

    /// <summary><c>qkv_bias</c>: whether query and value projections have a bias (default true).</summary>
    public bool QkvBias { get; init; } = true;

    /// <summary>Patches per image: <c>(image_size / patch_size)²</c>.</summary>
    public int NumPatches => (ImageSize / PatchSize) * (ImageSize / PatchSize);

    /// <summary>Position embeddings: one per patch plus the class token.</summary>
    public int NumPositions => NumPatches + 1;

    /// <summary>
    /// Loads <c>config.json</c> of a checkpoint saved as <c>Blip2VisionModel</c>; a full BLIP-2 <c>config.json</c>
    /// (<c>model_type</c> <c>blip-2</c>) is accepted too and its <c>vision_config</c> is used, as Hugging Face does.
    /// </summary>
    /// <param name="directory">Checkpoint directory.</param>
    /// <exception cref="InvalidDataException">Malformed json, a wrong value type, or another model's config.</exception>
    public static Blip2VisionConfig FromDirectory(string directory) => FromFile(ConfigJsonFile.PathInDirectory(directory, FileName));

    /// <summary>Loads a vision configuration file (see <see cref="FromDirectory"/>).</summary>
    /// <param name="path">Path of the json file.</param>
    public static Blip2VisionConfig FromFile(string path) => Read(ConfigJsonFile.ReadObject(path), path);

    /// <summary>Parses vision configuration json (see <see cref="FromDirectory"/>).</summary>
    /// <param name="json">The json text.</param>
    public static Blip2VisionConfig FromJson(string json) =>
        Read(ConfigJsonFile.ParseObject(json, ConfigJsonFile.InlineSource), ConfigJsonFile.InlineSource);

    private static Blip2VisionConfig Read(JsonObject json, string source)
    {
        var reader = new ConfigJsonReader(json, source);
        return reader.PeekModelType() == Blip2Config.ModelTypeName ? Read(reader.GetRequiredNestedObject("vision_config")) : Read(reader);
    }

    internal static Blip2VisionConfig Read(ConfigJsonReader reader)
    {
        reader.ExpectModelType(ModelTypeName);
        var defaults = new Blip2VisionConfig();
        var config = defaults with
        {
            HiddenSize = reader.GetInt32("hidden_size", defaults.HiddenSize),
            IntermediateSize = reader.GetInt32("intermediate_size", defaults.IntermediateSize),
            NumHiddenLayers = reader.GetInt32("num_hidden_layers", defaults.NumHiddenLayers),
            NumAttentionHeads = reader.GetInt32("num_attention_heads", defaults.NumAttentionHeads),
            ImageSize = reader.GetInt32("image_size", defaults.ImageSize),
            PatchSize = reader.GetInt32("patch_size", defaults.PatchSize),
            HiddenAct = reader.GetString("hidden_act", defaults.HiddenAct),
            LayerNormEps = reader.GetDouble("layer_norm_eps", defaults.LayerNormEps),
            AttentionDropout = reader.GetDouble("attention_dropout", defaults.AttentionDropout),
            InitializerRange = reader.GetDouble("initializer_range", defaults.InitializerRange),
            QkvBias = reader.GetBoolean("qkv_bias", defaults.QkvBias),
        };
        return ReadGenericProperties(config, reader);
    }

    private protected override PretrainedConfig CreateClassDefault() => new Blip2VisionConfig();

    private protected override void WriteModelProperties(JsonObject json)
    {
        json["hidden_size"] = HiddenSize;
        json["intermediate_size"] = IntermediateSize;
        json["num_hidden_layers"] = NumHiddenLayers;
        json["num_attention_heads"] = NumAttentionHeads;
        json["image_size"] = ImageSize;
        json["patch_size"] = PatchSize;
        json["hidden_act"] = HiddenAct;
        json["layer_norm_eps"] = ConfigJsonWriter.Float(LayerNormEps, "layer_norm_eps");
        json["attention_dropout"] = ConfigJsonWriter.Float(AttentionDropout, "attention_dropout");
        json["initializer_range"] = ConfigJsonWriter.Float(InitializerRange, "initializer_range");
        json["qkv_bias"] = QkvBias;
    }
}
