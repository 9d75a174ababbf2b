using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>Reads and writes the json files of a Hugging Face checkpoint, with errors that name the file.</summary>
internal static class ConfigJsonFile
{
    /// <summary>Source name used in error messages for json given as a string.</summary>
    public const string InlineSource = "<json string>";

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        // Keep "<image>" and non-ASCII text readable; any json reader decodes both forms alike.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Path of <paramref name="fileName"/> inside <paramref name="directory"/>; throws when it is missing.</summary>
    public static string PathInDirectory(string directory, string fileName)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Checkpoint directory '{directory}' does not exist.");
        }

        string path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{directory}' has no {fileName}.", path);
        }

        return path;
    }

    /// <summary>Reads <paramref name="path"/> as a json object.</summary>
    public static JsonObject ReadObject(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Configuration file '{path}' does not exist.", path);
        }

        return ParseObject(File.ReadAllText(path), path);
    }

    /// <summary>Parses <paramref name="json"/> as a json object; <paramref name="source"/> names it in errors.</summary>
    public static JsonObject ParseObject(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
            // Materialise every object now so that duplicate keys fail here, with the file named.
            _ = root?.DeepClone();
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"{source}: not valid JSON: {e.Message}", e);
        }

        return root as JsonObject
            ?? throw new InvalidDataException($"{source}: the top-level JSON value must be an object, found {root?.GetValueKind().ToString() ?? "null"}.");
    }

    /// <summary>
    /// Serialises like Python's <c>json.dumps(indent=2, sort_keys=True) + "\n"</c>, except that non-ASCII text is
    /// written as UTF-8 rather than <c>\uXXXX</c> escapes (both decode to the same strings).
    /// </summary>
    public static string Serialize(JsonObject json) => SortKeys(json).ToJsonString(WriteOptions) + "\n";

    /// <summary>Writes <paramref name="json"/> to <paramref name="directory"/>/<paramref name="fileName"/>.</summary>
    /// <returns>The path written.</returns>
    public static string Write(string directory, string fileName, JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, fileName);
        File.WriteAllText(path, Serialize(json));
        return path;
    }

    /// <summary>A deep copy with the keys of every object in ordinal order (Python's <c>sort_keys</c>).</summary>
    public static JsonObject SortKeys(JsonObject json) => (JsonObject)SortNode(json)!;

    private static JsonNode? SortNode(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new KeyValuePair<string, JsonNode?>(p.Key, SortNode(p.Value)))),
        JsonArray array => new JsonArray(array.Select(SortNode).ToArray()),
        _ => node?.DeepClone(),
    };
}
