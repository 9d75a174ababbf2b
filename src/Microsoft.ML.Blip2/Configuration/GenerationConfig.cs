using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// Decoding settings from <c>generation_config.json</c> (Hugging Face <c>GenerationConfig</c>, transformers 4.45),
/// with Hugging Face's defaults. Keys no property models are kept in <see cref="ExtraProperties"/>.
/// </summary>
public sealed record GenerationConfig
{
    /// <summary>Name of the file in a checkpoint directory.</summary>
    public const string FileName = "generation_config.json";

    private IReadOnlyList<int>? _eosTokenIds;
    private ExtraJsonProperties _extraProperties = ExtraJsonProperties.Empty;

    /// <summary><c>bos_token_id</c>.</summary>
    public int? BosTokenId { get; init; }

    /// <summary><c>eos_token_id</c>: one id or a list; generation stops at any of them.</summary>
    public IReadOnlyList<int>? EosTokenIds
    {
        get => _eosTokenIds;
        init => _eosTokenIds = EquatableList<int>.From(value);
    }

    /// <summary>Whether <c>eos_token_id</c> is written as a json list (as read) rather than a single int.</summary>
    public bool EosTokenIdIsList { get; init; }

    /// <summary>The first of <see cref="EosTokenIds"/>, or null.</summary>
    public int? EosTokenId => EosTokenIds is { Count: > 0 } ids ? ids[0] : null;

    /// <summary><c>pad_token_id</c>: fills rows that finished early.</summary>
    public int? PadTokenId { get; init; }

    /// <summary><c>decoder_start_token_id</c> (encoder-decoder models).</summary>
    public int? DecoderStartTokenId { get; init; }

    /// <summary><c>max_length</c>: maximum total length (default 20); <see cref="MaxNewTokens"/> takes precedence.</summary>
    public int MaxLength { get; init; } = 20;

    /// <summary><c>max_new_tokens</c>: maximum number of generated tokens, ignoring the prompt.</summary>
    public int? MaxNewTokens { get; init; }

    /// <summary><c>min_length</c> (default 0).</summary>
    public int MinLength { get; init; }

    /// <summary><c>min_new_tokens</c>.</summary>
    public int? MinNewTokens { get; init; }

    /// <summary><c>num_beams</c> (default 1: no beam search).</summary>
    public int NumBeams { get; init; } = 1;

    /// <summary><c>do_sample</c> (default false: greedy or beam search).</summary>
    public bool DoSample { get; init; }

    /// <summary><c>temperature</c> (default 1.0).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary><c>top_k</c> (default 50).</summary>
    public int TopK { get; init; } = 50;

    /// <summary><c>top_p</c> (default 1.0).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary><c>repetition_penalty</c> (default 1.0: none).</summary>
    public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary><c>length_penalty</c>: exponent of the length in beam scores (default 1.0).</summary>
    public double LengthPenalty { get; init; } = 1.0;

    /// <summary><c>early_stopping</c> of beam search (default false).</summary>
    public EarlyStoppingMode EarlyStopping { get; init; }

    /// <summary><c>num_return_sequences</c> (default 1).</summary>
    public int NumReturnSequences { get; init; } = 1;

    /// <summary><c>no_repeat_ngram_size</c> (default 0: off).</summary>
    public int NoRepeatNgramSize { get; init; }

    /// <summary><c>_from_model_config</c>: whether the file was derived from the model's <c>config.json</c>.</summary>
    public bool FromModelConfig { get; init; }

    /// <summary><c>transformers_version</c> of the file; null for a configuration built in code (then not written).</summary>
    public string? TransformersVersion { get; init; }

    /// <summary>Keys of the json object that no property models, written back unchanged.</summary>
    public ExtraJsonProperties ExtraProperties
    {
        get => _extraProperties;
        init => _extraProperties = value ?? ExtraJsonProperties.Empty;
    }

    /// <summary>Loads <c>generation_config.json</c> from a checkpoint directory.</summary>
    /// <param name="directory">Checkpoint directory.</param>
    /// <exception cref="InvalidDataException">Malformed json or a wrong value type.</exception>
    public static GenerationConfig FromDirectory(string directory) => FromFile(ConfigJsonFile.PathInDirectory(directory, FileName));

    /// <summary>Loads a generation configuration file.</summary>
    /// <param name="path">Path of the json file.</param>
    public static GenerationConfig FromFile(string path) => Read(new ConfigJsonReader(ConfigJsonFile.ReadObject(path), path));

    /// <summary>Parses generation configuration json.</summary>
    /// <param name="json">The json text.</param>
    public static GenerationConfig FromJson(string json) =>
        Read(new ConfigJsonReader(ConfigJsonFile.ParseObject(json, ConfigJsonFile.InlineSource), ConfigJsonFile.InlineSource));

    /// <summary>
    /// The configuration as json. Full form: every modelled key with its effective value, plus the extra keys.
    /// Sparse form (what <c>save_pretrained</c> writes): modelled keys equal to Hugging Face's defaults are left out;
    /// <c>transformers_version</c> and the extra keys are kept.
    /// </summary>
    /// <param name="sparse">Whether to leave out keys that equal the defaults.</param>
    public JsonObject ToJsonNode(bool sparse = false)
    {
        JsonObject json = BuildJson();
        if (sparse)
        {
            JsonObject defaults = new GenerationConfig().BuildJson();
            foreach ((string key, JsonNode? value) in defaults)
            {
                if (!ExtraProperties.ContainsKey(key) && PythonJsonEquality.AreEqual(json[key], value))
                {
                    json.Remove(key);
                }
            }
        }

        return ConfigJsonFile.SortKeys(json);
    }

    /// <summary>The configuration as json text (see <see cref="ToJsonNode"/>).</summary>
    /// <param name="sparse">Whether to leave out keys that equal the defaults.</param>
    public string ToJson(bool sparse = false) => ConfigJsonFile.Serialize(ToJsonNode(sparse));

    /// <summary>Writes <c>generation_config.json</c> into <paramref name="directory"/> (created if needed).</summary>
    /// <param name="directory">Checkpoint directory.</param>
    /// <param name="sparse">True (the default, as <c>save_pretrained</c>) writes the sparse form.</param>
    /// <returns>The path of the written file.</returns>
    public string Save(string directory, bool sparse = true) => ConfigJsonFile.Write(directory, FileName, ToJsonNode(sparse));

    private static GenerationConfig Read(ConfigJsonReader reader)
    {
        var defaults = new GenerationConfig();
        (IReadOnlyList<int>? eosIds, bool eosIsList) = reader.GetTokenIds("eos_token_id", null, false);
        var config = defaults with
        {
            BosTokenId = reader.GetNullableInt32("bos_token_id", null),
            EosTokenIds = eosIds,
            EosTokenIdIsList = eosIsList,
            PadTokenId = reader.GetNullableInt32("pad_token_id", null),
            DecoderStartTokenId = reader.GetNullableInt32("decoder_start_token_id", null),
            MaxLength = reader.GetInt32("max_length", defaults.MaxLength),
            MaxNewTokens = reader.GetNullableInt32("max_new_tokens", null),
            MinLength = reader.GetInt32("min_length", defaults.MinLength),
            MinNewTokens = reader.GetNullableInt32("min_new_tokens", null),
            NumBeams = reader.GetInt32("num_beams", defaults.NumBeams),
            DoSample = reader.GetBoolean("do_sample", defaults.DoSample),
            Temperature = reader.GetDouble("temperature", defaults.Temperature),
            TopK = reader.GetInt32("top_k", defaults.TopK),
            TopP = reader.GetDouble("top_p", defaults.TopP),
            RepetitionPenalty = reader.GetDouble("repetition_penalty", defaults.RepetitionPenalty),
            LengthPenalty = reader.GetDouble("length_penalty", defaults.LengthPenalty),
            EarlyStopping = reader.GetEarlyStopping("early_stopping", defaults.EarlyStopping),
            NumReturnSequences = reader.GetInt32("num_return_sequences", defaults.NumReturnSequences),
            NoRepeatNgramSize = reader.GetInt32("no_repeat_ngram_size", defaults.NoRepeatNgramSize),
            FromModelConfig = reader.GetBoolean("_from_model_config", defaults.FromModelConfig),
            TransformersVersion = reader.GetNullableString("transformers_version", null),
        };

        // GenerationConfig.validate() raises for these; fail at load rather than at the first generate call.
        if (config.MaxNewTokens is <= 0)
        {
            throw reader.Error("max_new_tokens", $"must be greater than 0, found {config.MaxNewTokens}.");
        }

        // HF's to_dict() drops these bookkeeping keys.
        reader.Skip("_commit_hash", "_original_object_hash");
        return config with { ExtraProperties = ExtraJsonProperties.From(reader.TakeUnreadProperties()) };
    }

    private JsonObject BuildJson()
    {
        var json = new JsonObject
        {
            ["bos_token_id"] = ConfigJsonWriter.Int(BosTokenId),
            ["eos_token_id"] = ConfigJsonWriter.TokenIds(EosTokenIds, EosTokenIdIsList),
            ["pad_token_id"] = ConfigJsonWriter.Int(PadTokenId),
            ["decoder_start_token_id"] = ConfigJsonWriter.Int(DecoderStartTokenId),
            ["max_length"] = MaxLength,
            ["max_new_tokens"] = ConfigJsonWriter.Int(MaxNewTokens),
            ["min_length"] = MinLength,
            ["min_new_tokens"] = ConfigJsonWriter.Int(MinNewTokens),
            ["num_beams"] = NumBeams,
            ["do_sample"] = DoSample,
            ["temperature"] = ConfigJsonWriter.Float(Temperature, "temperature"),
            ["top_k"] = TopK,
            ["top_p"] = ConfigJsonWriter.Float(TopP, "top_p"),
            ["repetition_penalty"] = ConfigJsonWriter.Float(RepetitionPenalty, "repetition_penalty"),
            ["length_penalty"] = ConfigJsonWriter.Float(LengthPenalty, "length_penalty"),
            ["early_stopping"] = ConfigJsonWriter.EarlyStopping(EarlyStopping),
            ["num_return_sequences"] = NumReturnSequences,
            ["no_repeat_ngram_size"] = NoRepeatNgramSize,
            ["_from_model_config"] = FromModelConfig,
        };
        if (TransformersVersion is not null)
        {
            json["transformers_version"] = TransformersVersion;
        }

        ExtraProperties.CopyTo(json);
        return json;
    }
}
