using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// The fields every Hugging Face model configuration shares (<c>PretrainedConfig</c> of transformers 4.45): model
/// type, architectures, dtype, special token ids, weight tying, and the legacy generation settings that older
/// checkpoints keep in <c>config.json</c>. Keys no property models are kept in <see cref="ExtraProperties"/> and
/// written back.
/// </summary>
/// <remarks>
/// <c>config.json</c> is sparse: a missing key means the default of the Hugging Face class, so each derived record
/// starts from those defaults. <see cref="ToJsonNode"/> writes either the full form (what <c>config.to_dict()</c>
/// returns) or the sparse form (what <c>save_pretrained</c> writes).
/// </remarks>
public abstract record PretrainedConfig
{
    /// <summary>Name of the file <see cref="Save"/> writes and the directory loaders read.</summary>
    public const string FileName = "config.json";

    private IReadOnlyList<string>? _architectures;
    private IReadOnlyList<int>? _eosTokenIds;
    private ExtraJsonProperties _extraProperties = ExtraJsonProperties.Empty;

    /// <summary><c>model_type</c>: fixed per configuration class (e.g. <c>blip-2</c>, <c>opt</c>).</summary>
    public abstract string ModelType { get; }

    /// <summary><c>_name_or_path</c>: where the checkpoint was loaded from; empty for a fresh configuration.</summary>
    public string NameOrPath { get; init; } = "";

    /// <summary><c>transformers_version</c> of the file; null for a configuration built in code (then not written).</summary>
    public string? TransformersVersion { get; init; }

    /// <summary><c>architectures</c>: model class names, e.g. <c>Blip2ForConditionalGeneration</c>.</summary>
    public IReadOnlyList<string>? Architectures
    {
        get => _architectures;
        init => _architectures = EquatableList<string>.From(value);
    }

    /// <summary><c>torch_dtype</c> of the stored weights, e.g. <c>float32</c> or <c>float16</c>.</summary>
    public string? TorchDtype { get; init; }

    /// <summary><c>bos_token_id</c>.</summary>
    public int? BosTokenId { get; init; }

    /// <summary><c>eos_token_id</c>, which Hugging Face allows as one id or a list of ids.</summary>
    public IReadOnlyList<int>? EosTokenIds
    {
        get => _eosTokenIds;
        init => _eosTokenIds = EquatableList<int>.From(value);
    }

    /// <summary>Whether <c>eos_token_id</c> is written as a json list (as read) rather than a single int.</summary>
    public bool EosTokenIdIsList { get; init; }

    /// <summary>The first of <see cref="EosTokenIds"/>, or null.</summary>
    public int? EosTokenId => EosTokenIds is { Count: > 0 } ids ? ids[0] : null;

    /// <summary><c>pad_token_id</c>.</summary>
    public int? PadTokenId { get; init; }

    /// <summary><c>sep_token_id</c>.</summary>
    public int? SepTokenId { get; init; }

    /// <summary><c>decoder_start_token_id</c> (encoder-decoder models).</summary>
    public int? DecoderStartTokenId { get; init; }

    /// <summary><c>tie_word_embeddings</c>: whether the output projection shares the input embedding matrix.</summary>
    public bool TieWordEmbeddings { get; init; } = true;

    /// <summary><c>is_encoder_decoder</c>.</summary>
    public bool IsEncoderDecoder { get; init; }

    /// <summary><c>is_decoder</c>.</summary>
    public bool IsDecoder { get; init; }

    /// <summary>Legacy generation setting <c>max_length</c> (default 20).</summary>
    public int MaxLength { get; init; } = 20;

    /// <summary>Legacy generation setting <c>min_length</c> (default 0).</summary>
    public int MinLength { get; init; }

    /// <summary>Legacy generation setting <c>do_sample</c> (default false).</summary>
    public bool DoSample { get; init; }

    /// <summary>Legacy generation setting <c>early_stopping</c> (default false).</summary>
    public EarlyStoppingMode EarlyStopping { get; init; }

    /// <summary>Legacy generation setting <c>num_beams</c> (default 1).</summary>
    public int NumBeams { get; init; } = 1;

    /// <summary>Legacy generation setting <c>temperature</c> (default 1.0).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Legacy generation setting <c>top_k</c> (default 50).</summary>
    public int TopK { get; init; } = 50;

    /// <summary>Legacy generation setting <c>top_p</c> (default 1.0).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Legacy generation setting <c>repetition_penalty</c> (default 1.0).</summary>
    public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary>Legacy generation setting <c>length_penalty</c> (default 1.0).</summary>
    public double LengthPenalty { get; init; } = 1.0;

    /// <summary>Legacy generation setting <c>no_repeat_ngram_size</c> (default 0).</summary>
    public int NoRepeatNgramSize { get; init; }

    /// <summary>Legacy generation setting <c>num_return_sequences</c> (default 1).</summary>
    public int NumReturnSequences { get; init; } = 1;

    /// <summary>Keys of the json object that no property models, written back unchanged.</summary>
    public ExtraJsonProperties ExtraProperties
    {
        get => _extraProperties;
        init => _extraProperties = value ?? ExtraJsonProperties.Empty;
    }

    /// <summary>
    /// The configuration as json. Full form (<paramref name="sparse"/> false): every effective value, equal to Hugging
    /// Face's <c>config.to_dict()</c>. Sparse form: what <c>save_pretrained</c> writes (<c>to_diff_dict()</c>): keys
    /// equal to the class defaults are left out, <c>model_type</c> and <c>transformers_version</c> are kept, so
    /// Hugging Face loads it back to the same values. Keys are sorted like Python's <c>sort_keys=True</c>.
    /// </summary>
    /// <param name="sparse">Whether to leave out keys that equal the Hugging Face defaults.</param>
    public JsonObject ToJsonNode(bool sparse = false) =>
        ConfigJsonFile.SortKeys(sparse ? SparseConfigJson.Diff(this) : BuildFullJson());

    /// <summary>The configuration as json text, formatted like Hugging Face's <c>to_json_string</c>.</summary>
    /// <param name="sparse">Whether to leave out keys that equal the Hugging Face defaults (see <see cref="ToJsonNode"/>).</param>
    public string ToJson(bool sparse = false) => ConfigJsonFile.Serialize(ToJsonNode(sparse));

    /// <summary>Writes <c>config.json</c> into <paramref name="directory"/> (created if needed).</summary>
    /// <param name="directory">Checkpoint directory.</param>
    /// <param name="sparse">True (the default, as <c>save_pretrained</c>) writes the sparse form.</param>
    /// <returns>The path of the written file.</returns>
    public string Save(string directory, bool sparse = true) => ConfigJsonFile.Write(directory, FileName, ToJsonNode(sparse));

    /// <summary>A configuration of the same class with every value at its Hugging Face default.</summary>
    private protected abstract PretrainedConfig CreateClassDefault();

    /// <summary>Writes the keys specific to the derived class.</summary>
    private protected abstract void WriteModelProperties(JsonObject json);

    /// <summary>Sub-configurations (json key and value) that the sparse form diffs recursively.</summary>
    private protected virtual IEnumerable<KeyValuePair<string, PretrainedConfig>> NestedConfigs => [];

    internal PretrainedConfig ClassDefault() => CreateClassDefault();

    internal IEnumerable<KeyValuePair<string, PretrainedConfig>> NestedConfigurations => NestedConfigs;

    /// <summary>Every effective value (Hugging Face's <c>to_dict()</c>), unsorted.</summary>
    internal JsonObject BuildFullJson()
    {
        JsonObject json = GenericConfigProperties.UntypedDefaults();
        json["_name_or_path"] = NameOrPath;
        json["model_type"] = ModelType;
        if (TransformersVersion is not null)
        {
            json["transformers_version"] = TransformersVersion;
        }

        json["architectures"] = ConfigJsonWriter.StringList(Architectures);
        json["torch_dtype"] = ConfigJsonWriter.String(TorchDtype);
        json["bos_token_id"] = ConfigJsonWriter.Int(BosTokenId);
        json["eos_token_id"] = ConfigJsonWriter.TokenIds(EosTokenIds, EosTokenIdIsList);
        json["pad_token_id"] = ConfigJsonWriter.Int(PadTokenId);
        json["sep_token_id"] = ConfigJsonWriter.Int(SepTokenId);
        json["decoder_start_token_id"] = ConfigJsonWriter.Int(DecoderStartTokenId);
        json["tie_word_embeddings"] = TieWordEmbeddings;
        json["is_encoder_decoder"] = IsEncoderDecoder;
        json["is_decoder"] = IsDecoder;
        json["max_length"] = MaxLength;
        json["min_length"] = MinLength;
        json["do_sample"] = DoSample;
        json["early_stopping"] = ConfigJsonWriter.EarlyStopping(EarlyStopping);
        json["num_beams"] = NumBeams;
        json["temperature"] = ConfigJsonWriter.Float(Temperature, "temperature");
        json["top_k"] = TopK;
        json["top_p"] = ConfigJsonWriter.Float(TopP, "top_p");
        json["repetition_penalty"] = ConfigJsonWriter.Float(RepetitionPenalty, "repetition_penalty");
        json["length_penalty"] = ConfigJsonWriter.Float(LengthPenalty, "length_penalty");
        json["no_repeat_ngram_size"] = NoRepeatNgramSize;
        json["num_return_sequences"] = NumReturnSequences;
        WriteModelProperties(json);
        ExtraProperties.CopyTo(json);
        return json;
    }

    /// <summary>
    /// Reads the generic keys over <paramref name="config"/> (whose current values are the class defaults) and
    /// collects the keys nobody read into <see cref="ExtraProperties"/>. Call after reading the class keys.
    /// </summary>
    private protected static T ReadGenericProperties<T>(T config, ConfigJsonReader reader)
        where T : PretrainedConfig
    {
        PretrainedConfig c = config;
        (IReadOnlyList<int>? eosIds, bool eosIsList) = reader.GetTokenIds("eos_token_id", c.EosTokenIds, c.EosTokenIdIsList);
        c = c with
        {
            // HF's __init__ takes "name_or_path"; a stored "_name_or_path" is set after it and wins.
            NameOrPath = reader.GetString("_name_or_path", reader.GetString("name_or_path", c.NameOrPath)),
            TransformersVersion = reader.GetNullableString("transformers_version", c.TransformersVersion),
            Architectures = reader.GetNullableStringList("architectures", c.Architectures),
            TorchDtype = reader.GetNullableString("torch_dtype", c.TorchDtype),
            BosTokenId = reader.GetNullableInt32("bos_token_id", c.BosTokenId),
            EosTokenIds = eosIds,
            EosTokenIdIsList = eosIsList,
            PadTokenId = reader.GetNullableInt32("pad_token_id", c.PadTokenId),
            SepTokenId = reader.GetNullableInt32("sep_token_id", c.SepTokenId),
            DecoderStartTokenId = reader.GetNullableInt32("decoder_start_token_id", c.DecoderStartTokenId),
            TieWordEmbeddings = reader.GetBoolean("tie_word_embeddings", c.TieWordEmbeddings),
            IsEncoderDecoder = reader.GetBoolean("is_encoder_decoder", c.IsEncoderDecoder),
            IsDecoder = reader.GetBoolean("is_decoder", c.IsDecoder),
            MaxLength = reader.GetInt32("max_length", c.MaxLength),
            MinLength = reader.GetInt32("min_length", c.MinLength),
            DoSample = reader.GetBoolean("do_sample", c.DoSample),
            EarlyStopping = reader.GetEarlyStopping("early_stopping", c.EarlyStopping),
            NumBeams = reader.GetInt32("num_beams", c.NumBeams),
            Temperature = reader.GetDouble("temperature", c.Temperature),
            TopK = reader.GetInt32("top_k", c.TopK),
            TopP = reader.GetDouble("top_p", c.TopP),
            RepetitionPenalty = reader.GetDouble("repetition_penalty", c.RepetitionPenalty),
            LengthPenalty = reader.GetDouble("length_penalty", c.LengthPenalty),
            NoRepeatNgramSize = reader.GetInt32("no_repeat_ngram_size", c.NoRepeatNgramSize),
            NumReturnSequences = reader.GetInt32("num_return_sequences", c.NumReturnSequences),
        };
        c = c with { ExtraProperties = GenericConfigProperties.ToExtraProperties(reader.TakeUnreadProperties(), reader) };
        return (T)c;
    }
}
