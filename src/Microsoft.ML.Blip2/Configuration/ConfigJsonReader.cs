using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// Typed, strict access to one json object of a configuration file. Every getter takes the Hugging Face default
/// used when the key is absent (json files are sparse), marks the key as read, and throws an
/// <see cref="InvalidDataException"/> naming the file and the full key path when the value has the wrong type.
/// Keys never read end up in <see cref="TakeUnreadProperties"/>.
/// </summary>
internal sealed class ConfigJsonReader
{
    private readonly JsonObject _json;
    private readonly string _path;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public ConfigJsonReader(JsonObject json, string source, string path = "")
    {
        _json = json;
        Source = source;
        _path = path;
    }

    /// <summary>The file (or <see cref="ConfigJsonFile.InlineSource"/>) this object came from.</summary>
    public string Source { get; }

    /// <summary>Full dotted path of <paramref name="key"/>, e.g. <c>text_config.vocab_size</c>.</summary>
    public string KeyPath(string key) => _path.Length == 0 ? key : _path + "." + key;

    public bool Contains(string key) => _json.ContainsKey(key);

    /// <summary>An error naming the file and the key.</summary>
    public InvalidDataException Error(string key, string message) => new($"{Source}: key '{KeyPath(key)}' {message}");

    /// <summary>Marks <paramref name="keys"/> as handled without reading them (Hugging Face ignores or recomputes them).</summary>
    public void Skip(params string[] keys)
    {
        foreach (string key in keys)
        {
            _read.Add(key);
        }
    }

    /// <summary>Reads the optional <c>model_type</c> without consuming it.</summary>
    public string? PeekModelType()
    {
        if (!_json.TryGetPropertyValue("model_type", out JsonNode? node) || node is null)
        {
            return null;
        }

        return node.GetValueKind() == JsonValueKind.String
            ? node.GetValue<string>()
            : throw Error("model_type", $"must be a string, found {Describe(node)}.");
    }

    /// <summary>Consumes <c>model_type</c>, which (when present) must equal <paramref name="expected"/>.</summary>
    public void ExpectModelType(string expected)
    {
        string? found = PeekModelType();
        _read.Add("model_type");
        if (found is not null && found != expected)
        {
            throw Error("model_type", $"is '{found}' but this configuration needs '{expected}'.");
        }
    }

    public int GetInt32(string key, int defaultValue) =>
        TryGet(key, out JsonNode? node) ? ToInt32(key, node ?? throw Error(key, "must be an integer, found null.")) : defaultValue;

    public int? GetNullableInt32(string key, int? defaultValue) =>
        TryGet(key, out JsonNode? node) ? (node is null ? null : ToInt32(key, node)) : defaultValue;

    public double GetDouble(string key, double defaultValue) =>
        TryGet(key, out JsonNode? node) ? ToDouble(key, node ?? throw Error(key, "must be a number, found null.")) : defaultValue;

    public bool GetBoolean(string key, bool defaultValue)
    {
        if (!TryGet(key, out JsonNode? node))
        {
            return defaultValue;
        }

        return node?.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(key, $"must be true or false, found {Describe(node)}."),
        };
    }

    public string GetString(string key, string defaultValue) =>
        TryGet(key, out JsonNode? node) ? ToString(key, node ?? throw Error(key, "must be a string, found null.")) : defaultValue;

    public string? GetNullableString(string key, string? defaultValue) =>
        TryGet(key, out JsonNode? node) ? (node is null ? null : ToString(key, node)) : defaultValue;

    public IReadOnlyList<string>? GetNullableStringList(string key, IReadOnlyList<string>? defaultValue)
    {
        if (!TryGet(key, out JsonNode? node))
        {
            return defaultValue;
        }

        return node is null ? null : EquatableList<string>.From(ToArray(key, node).Select((item, i) => ToString($"{key}[{i}]", item!)));
    }

    public IReadOnlyList<double> GetDoubleList(string key, IReadOnlyList<double> defaultValue)
    {
        if (!TryGet(key, out JsonNode? node))
        {
            return defaultValue;
        }

        JsonArray array = ToArray(key, node ?? throw Error(key, "must be an array of numbers, found null."));
        return EquatableList<double>.From(array.Select((item, i) => ToDouble($"{key}[{i}]", item)));
    }

    /// <summary>
    /// A list of numbers that Hugging Face also accepts as one number meaning "the same for every channel"
    /// (<c>image_mean</c>, <c>image_std</c>): a number becomes <paramref name="broadcastCount"/> copies.
    /// </summary>
    public IReadOnlyList<double> GetDoubleListOrBroadcast(string key, IReadOnlyList<double> defaultValue, int broadcastCount)
    {
        if (TryGet(key, out JsonNode? node) && node?.GetValueKind() == JsonValueKind.Number)
            return EquatableList<double>.From(Enumerable.Repeat(ToDouble(key, node), broadcastCount));
        return GetDoubleList(key, defaultValue);
    }

    /// <summary>
    /// A token id that Hugging Face allows as an int or a list of ints (<c>eos_token_id</c>).
    /// </summary>
    public (IReadOnlyList<int>? Ids, bool IsList) GetTokenIds(string key, IReadOnlyList<int>? defaultIds, bool defaultIsList)
    {
        if (!TryGet(key, out JsonNode? node))
        {
            return (defaultIds, defaultIsList);
        }

        return node?.GetValueKind() switch
        {
            null or JsonValueKind.Null => (null, false),
            JsonValueKind.Array => (EquatableList<int>.From(node.AsArray().Select((item, i) => ToInt32($"{key}[{i}]", item))), true),
            _ => (EquatableList<int>.From([ToInt32(key, node)]), false),
        };
    }

    /// <summary>Hugging Face's <c>early_stopping</c>: <c>true</c>, <c>false</c> or <c>"never"</c>.</summary>
    public EarlyStoppingMode GetEarlyStopping(string key, EarlyStoppingMode defaultValue)
    {
        if (!TryGet(key, out JsonNode? node))
        {
            return defaultValue;
        }

        return node?.GetValueKind() switch
        {
            JsonValueKind.True => EarlyStoppingMode.WhenNumBeamsFinished,
            JsonValueKind.False => EarlyStoppingMode.Heuristic,
            JsonValueKind.String when node.GetValue<string>() == "never" => EarlyStoppingMode.Never,
            _ => throw Error(key, $"must be true, false or \"never\", found {Describe(node)}."),
        };
    }

    /// <summary>
    /// A reader over the nested object under <paramref name="key"/>; an absent key or json null gives an empty object
    /// (Hugging Face then uses the class defaults).
    /// </summary>
    public ConfigJsonReader GetNestedObject(string key)
    {
        if (!TryGet(key, out JsonNode? node) || node is null)
        {
            return new ConfigJsonReader(new JsonObject(), Source, KeyPath(key));
        }

        return node is JsonObject obj
            ? new ConfigJsonReader(obj, Source, KeyPath(key))
            : throw Error(key, $"must be an object, found {Describe(node)}.");
    }

    /// <summary>A reader over the nested object under <paramref name="key"/>, which must be present.</summary>
    public ConfigJsonReader GetRequiredNestedObject(string key) =>
        _json[key] is JsonObject ? GetNestedObject(key) : throw Error(key, $"must be an object, found {(Contains(key) ? Describe(_json[key]) : "no such key")}.");

    /// <summary>The raw node under <paramref name="key"/> (consumed), or false when absent.</summary>
    public bool TryGetRaw(string key, out JsonNode? node) => TryGet(key, out node);

    /// <summary>Copies of all keys not read so far, in file order.</summary>
    public JsonObject TakeUnreadProperties()
    {
        var unread = new JsonObject();
        foreach ((string key, JsonNode? value) in _json)
        {
            if (_read.Add(key))
            {
                unread[key] = value?.DeepClone();
            }
        }

        return unread;
    }

    public int ToInt32(string key, JsonNode? node)
    {
        if (node?.GetValueKind() == JsonValueKind.Number &&
            int.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            return value;
        }

        throw Error(key, $"must be an integer, found {Describe(node)}.");
    }

    public double ToDouble(string key, JsonNode? node)
    {
        if (node?.GetValueKind() == JsonValueKind.Number)
        {
            return double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        throw Error(key, $"must be a number, found {Describe(node)}.");
    }

    public string ToString(string key, JsonNode? node) =>
        node?.GetValueKind() == JsonValueKind.String
            ? node.GetValue<string>()
            : throw Error(key, $"must be a string, found {Describe(node)}.");

    private JsonArray ToArray(string key, JsonNode node) =>
        node as JsonArray ?? throw Error(key, $"must be an array, found {Describe(node)}.");

    private bool TryGet(string key, out JsonNode? node)
    {
        _read.Add(key);
        return _json.TryGetPropertyValue(key, out node);
    }

    /// <summary>Kind and text of a value for error messages, e.g. <c>string "abc"</c>.</summary>
    public static string Describe(JsonNode? node)
    {
        if (node is null)
        {
            return "null";
        }

        string text = node.ToJsonString();
        if (text.Length > 60)
        {
            text = text[..57] + "...";
        }

        return $"{node.GetValueKind().ToString().ToLowerInvariant()} {text}";
    }
}
