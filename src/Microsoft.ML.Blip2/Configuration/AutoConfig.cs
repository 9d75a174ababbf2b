namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// Loads any configuration this library models, choosing the class from the top-level <c>model_type</c> like
/// Hugging Face's <c>AutoConfig</c>: <c>blip-2</c>, <c>blip_2_vision_model</c>, <c>blip_2_qformer</c>, <c>opt</c>, <c>t5</c>.
/// </summary>
public static class AutoConfig
{
    /// <summary>The top-level <c>model_type</c>s this loader accepts.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } =
        [Blip2Config.ModelTypeName, Blip2VisionConfig.ModelTypeName, Blip2QFormerConfig.ModelTypeName, .. TextConfig.SupportedModelTypes];

    /// <summary>Loads <c>config.json</c> from a checkpoint directory.</summary>
    /// <param name="directory">Checkpoint directory.</param>
    /// <exception cref="InvalidDataException">Malformed json, a wrong value type, or no <c>model_type</c>.</exception>
    /// <exception cref="NotSupportedException">A <c>model_type</c> not in <see cref="SupportedModelTypes"/>.</exception>
    public static PretrainedConfig FromDirectory(string directory) =>
        FromFile(ConfigJsonFile.PathInDirectory(directory, PretrainedConfig.FileName));

    /// <summary>Loads a configuration file (see <see cref="FromDirectory"/>).</summary>
    /// <param name="path">Path of the json file.</param>
    public static PretrainedConfig FromFile(string path) => Read(new ConfigJsonReader(ConfigJsonFile.ReadObject(path), path));

    /// <summary>Parses configuration json (see <see cref="FromDirectory"/>).</summary>
    /// <param name="json">The json text.</param>
    public static PretrainedConfig FromJson(string json) =>
        Read(new ConfigJsonReader(ConfigJsonFile.ParseObject(json, ConfigJsonFile.InlineSource), ConfigJsonFile.InlineSource));

    private static PretrainedConfig Read(ConfigJsonReader reader)
    {
        string modelType = reader.PeekModelType()
            ?? throw reader.Error("model_type", $"is missing; it must be one of {string.Join(", ", SupportedModelTypes)}.");
        return modelType switch
        {
            Blip2Config.ModelTypeName => Blip2Config.Read(reader),
            Blip2VisionConfig.ModelTypeName => Blip2VisionConfig.Read(reader),
            Blip2QFormerConfig.ModelTypeName => Blip2QFormerConfig.Read(reader),
            OptConfig.ModelTypeName or T5Config.ModelTypeName => TextConfig.Read(reader, defaultModelType: null),
            _ => throw new NotSupportedException(
                $"{reader.Source}: key 'model_type' is '{modelType}', which this library does not support; supported: {string.Join(", ", SupportedModelTypes)}."),
        };
    }
}
