using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// <c>processor_config.json</c> of a <c>Blip2Processor</c>: <c>num_query_tokens</c> (newer checkpoints, which
/// prepend that many <c>&lt;image&gt;</c> tokens to the text) and <c>processor_class</c>. Other keys are kept in
/// <see cref="ExtraProperties"/>.
/// </summary>
public sealed record ProcessorConfig
{
    /// <summary>Name of the file in a processor directory.</summary>
    public const string FileName = "processor_config.json";

    private ExtraJsonProperties _extraProperties = ExtraJsonProperties.Empty;

    /// <summary><c>num_query_tokens</c>: image tokens to prepend; null for the legacy processor, which adds none.</summary>
    public int? NumQueryTokens { get; init; }

    /// <summary><c>processor_class</c>, e.g. <c>Blip2Processor</c>.</summary>
    public string? ProcessorClass { get; init; }

    /// <summary>Keys of the json object that no property models, written back unchanged.</summary>
    public ExtraJsonProperties ExtraProperties
    {
        get => _extraProperties;
        init => _extraProperties = value ?? ExtraJsonProperties.Empty;
    }

    /// <summary>Loads <c>processor_config.json</c> from a directory.</summary>
    /// <param name="directory">Processor directory.</param>
    /// <exception cref="InvalidDataException">Malformed json or a wrong value type.</exception>
    public static ProcessorConfig FromDirectory(string directory) => FromFile(ConfigJsonFile.PathInDirectory(directory, FileName));

    /// <summary>Loads a processor configuration file.</summary>
    /// <param name="path">Path of the json file.</param>
    public static ProcessorConfig FromFile(string path) => Read(new ConfigJsonReader(ConfigJsonFile.ReadObject(path), path));

    /// <summary>Parses processor configuration json.</summary>
    /// <param name="json">The json text.</param>
    public static ProcessorConfig FromJson(string json) =>
        Read(new ConfigJsonReader(ConfigJsonFile.ParseObject(json, ConfigJsonFile.InlineSource), ConfigJsonFile.InlineSource));

    /// <summary>The configuration as json; <c>processor_class</c> is written only when set.</summary>
    public JsonObject ToJsonNode()
    {
        var json = new JsonObject { ["num_query_tokens"] = ConfigJsonWriter.Int(NumQueryTokens) };
        if (ProcessorClass is not null)
        {
            json["processor_class"] = ProcessorClass;
        }

        ExtraProperties.CopyTo(json);
        return ConfigJsonFile.SortKeys(json);
    }

    /// <summary>The configuration as json text.</summary>
    public string ToJson() => ConfigJsonFile.Serialize(ToJsonNode());

    /// <summary>Writes <c>processor_config.json</c> into <paramref name="directory"/> (created if needed).</summary>
    /// <param name="directory">Target directory.</param>
    /// <returns>The path of the written file.</returns>
    public string Save(string directory) => ConfigJsonFile.Write(directory, FileName, ToJsonNode());

    private static ProcessorConfig Read(ConfigJsonReader reader)
    {
        var config = new ProcessorConfig
        {
            NumQueryTokens = reader.GetNullableInt32("num_query_tokens", null),
            ProcessorClass = reader.GetNullableString("processor_class", null),
        };
        if (config.NumQueryTokens is < 0)
        {
            throw reader.Error("num_query_tokens", $"must not be negative, found {config.NumQueryTokens}.");
        }

        return config with { ExtraProperties = ExtraJsonProperties.From(reader.TakeUnreadProperties()) };
    }
}
