namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// Configuration of the language model behind BLIP-2: what the language model and generation need regardless of
/// its type. The concrete types are <see cref="OptConfig"/> (decoder-only) and <see cref="T5Config"/>
/// (encoder-decoder); token ids, <see cref="PretrainedConfig.TieWordEmbeddings"/> and
/// <see cref="PretrainedConfig.IsEncoderDecoder"/> come from <see cref="PretrainedConfig"/>.
/// </summary>
public abstract record TextConfig : PretrainedConfig
{
    /// <summary>The text <c>model_type</c>s this library can load.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = [OptConfig.ModelTypeName, T5Config.ModelTypeName];

    /// <summary><c>vocab_size</c>: rows of the token embedding and of the output projection.</summary>
    public abstract int VocabSize { get; init; }

    /// <summary>Width of the token embeddings the language model consumes (OPT <c>hidden_size</c>, T5 <c>d_model</c>).</summary>
    public abstract int HiddenSize { get; init; }

    /// <summary><c>use_cache</c>: whether generation keeps past keys and values (default true).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Loads a language model's <c>config.json</c> from <paramref name="directory"/>.</summary>
    /// <param name="directory">Checkpoint directory.</param>
    /// <exception cref="NotSupportedException">The <c>model_type</c> is not one of <see cref="SupportedModelTypes"/>.</exception>
    /// <exception cref="InvalidDataException">Malformed json, a wrong value type, or no <c>model_type</c>.</exception>
    public static TextConfig FromDirectory(string directory) => FromFile(ConfigJsonFile.PathInDirectory(directory, FileName));

    /// <summary>Loads a language model configuration file, choosing the class from its <c>model_type</c>.</summary>
    /// <param name="path">Path of the json file.</param>
    public static TextConfig FromFile(string path) => Read(new ConfigJsonReader(ConfigJsonFile.ReadObject(path), path), defaultModelType: null);

    /// <summary>Parses language model configuration json, choosing the class from its <c>model_type</c>.</summary>
    /// <param name="json">The json text.</param>
    public static TextConfig FromJson(string json) =>
        Read(new ConfigJsonReader(ConfigJsonFile.ParseObject(json, ConfigJsonFile.InlineSource), ConfigJsonFile.InlineSource), defaultModelType: null);

    /// <summary>Dispatches on <c>model_type</c>; <paramref name="defaultModelType"/> applies when the key is absent.</summary>
    internal static TextConfig Read(ConfigJsonReader reader, string? defaultModelType)
    {
        string modelType = reader.PeekModelType() ?? defaultModelType
            ?? throw reader.Error("model_type", $"is missing; it must name the language model ({string.Join(", ", SupportedModelTypes)}).");
        return modelType switch
        {
            OptConfig.ModelTypeName => OptConfig.Read(reader),
            T5Config.ModelTypeName => T5Config.Read(reader),
            _ => throw new NotSupportedException(
                $"{reader.Source}: key '{reader.KeyPath("model_type")}' is '{modelType}', a language model this library does not support; supported: {string.Join(", ", SupportedModelTypes)}."),
        };
    }
}
