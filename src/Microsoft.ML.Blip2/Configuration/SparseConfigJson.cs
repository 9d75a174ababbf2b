using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// The sparse form Hugging Face's <c>save_pretrained</c> writes: <c>PretrainedConfig.to_diff_dict()</c> and its
/// <c>recursive_diff_dict</c> (transformers 4.45), applied to the full json forms.
/// </summary>
internal static class SparseConfigJson
{
    public static JsonObject Diff(PretrainedConfig config)
    {
        JsonObject full = config.BuildFullJson();
        JsonObject baseDefaults = new BarePretrainedConfig().BuildFullJson();
        JsonObject classDefaults = config.ClassDefault().BuildFullJson();
        Dictionary<string, PretrainedConfig> nested = config.NestedConfigurations.ToDictionary(StringComparer.Ordinal);

        var diff = new JsonObject();
        foreach ((string key, JsonNode? value) in full)
        {
            if (nested.TryGetValue(key, out PretrainedConfig? nestedConfig) &&
                value is JsonObject nestedJson &&
                classDefaults[key] is JsonObject nestedClassDefaults)
            {
                JsonObject nestedDiff = RecursiveDiff(nestedJson, nestedClassDefaults, nestedConfig.ClassDefault().BuildFullJson());
                // model_type stays even when equal to the default, so the right class is built on load.
                if (nestedJson.TryGetPropertyValue("model_type", out JsonNode? modelType))
                {
                    nestedDiff["model_type"] = modelType?.DeepClone();
                }

                if (nestedDiff.Count > 0)
                {
                    diff[key] = nestedDiff;
                }
            }
            else if (!baseDefaults.TryGetPropertyValue(key, out JsonNode? baseDefault) ||
                     key == "transformers_version" ||
                     !PythonJsonEquality.AreEqual(value, baseDefault) ||
                     (classDefaults.TryGetPropertyValue(key, out JsonNode? classDefault) && !PythonJsonEquality.AreEqual(value, classDefault)))
            {
                diff[key] = value?.DeepClone();
            }
        }

        return diff;
    }

    /// <summary>
    /// Keys of <paramref name="json"/> that differ from the parent's default sub-config (<paramref name="parentDefaults"/>)
    /// or from the defaults of their own class (<paramref name="ownClassDefaults"/>).
    /// </summary>
    private static JsonObject RecursiveDiff(JsonObject json, JsonObject parentDefaults, JsonObject ownClassDefaults)
    {
        var diff = new JsonObject();
        foreach ((string key, JsonNode? value) in json)
        {
            if (!parentDefaults.TryGetPropertyValue(key, out JsonNode? parentDefault) ||
                !PythonJsonEquality.AreEqual(value, parentDefault) ||
                !ownClassDefaults.TryGetPropertyValue(key, out JsonNode? ownDefault) ||
                !PythonJsonEquality.AreEqual(value, ownDefault))
            {
                diff[key] = value?.DeepClone();
            }
        }

        return diff;
    }

    /// <summary>A bare <c>PretrainedConfig()</c>: the generic defaults with an empty <c>model_type</c>.</summary>
    private sealed record BarePretrainedConfig : PretrainedConfig
    {
        public override string ModelType => "";

        private protected override PretrainedConfig CreateClassDefault() => new BarePretrainedConfig();

        private protected override void WriteModelProperties(JsonObject json)
        {
        }
    }
}
