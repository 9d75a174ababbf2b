using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>Json values in the form Hugging Face writes them (floats as Python floats, token ids as int or list).</summary>
internal static class ConfigJsonWriter
{
    public static JsonNode Float(double value, string key) => PythonJsonNumber.ToNode(value, key);

    public static JsonNode? Int(int? value) => value is int v ? JsonValue.Create(v) : null;

    public static JsonNode? String(string? value) => value is null ? null : JsonValue.Create(value);

    public static JsonNode? StringList(IReadOnlyList<string>? values) =>
        values is null ? null : new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    public static JsonNode FloatList(IReadOnlyList<double> values, string key) =>
        new JsonArray(values.Select(v => (JsonNode?)Float(v, key)).ToArray());

    /// <summary>An int when the file had an int, a list when it had a list (or when there is more than one id).</summary>
    public static JsonNode? TokenIds(IReadOnlyList<int>? ids, bool asList)
    {
        if (ids is null)
        {
            return null;
        }

        return asList || ids.Count != 1
            ? new JsonArray(ids.Select(id => (JsonNode?)JsonValue.Create(id)).ToArray())
            : JsonValue.Create(ids[0]);
    }

    public static JsonNode EarlyStopping(EarlyStoppingMode mode) => mode switch
    {
        EarlyStoppingMode.Heuristic => JsonValue.Create(false),
        EarlyStoppingMode.WhenNumBeamsFinished => JsonValue.Create(true),
        EarlyStoppingMode.Never => JsonValue.Create("never"),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown early stopping mode."),
    };
}
