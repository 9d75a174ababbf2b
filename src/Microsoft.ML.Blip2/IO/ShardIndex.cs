using System.Text.Json;

namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// A validated <c>model.safetensors.index.json</c>: <c>weight_map</c> (tensor name → shard file inside the
/// checkpoint directory) and the informative <c>metadata.total_size</c>.
/// </summary>
internal sealed class ShardIndex
{
    private ShardIndex(IReadOnlyDictionary<string, string> weightMap, IReadOnlyList<string> shardFiles, long? totalSize)
    {
        WeightMap = weightMap;
        ShardFiles = shardFiles;
        TotalSize = totalSize;
    }

    /// <summary>Tensor name → shard path relative to the directory.</summary>
    internal IReadOnlyDictionary<string, string> WeightMap { get; }

    /// <summary>Distinct shard paths, ordinal order.</summary>
    internal IReadOnlyList<string> ShardFiles { get; }

    /// <summary><c>metadata.total_size</c> when present and an integer; informative only.</summary>
    internal long? TotalSize { get; }

    internal static ShardIndex Read(string indexPath, string directory)
    {
        byte[] bytes = File.ReadAllBytes(indexPath);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new SafetensorsException(indexPath, null, $"index is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsException(indexPath, null, $"index must be a JSON object, found a JSON {root.ValueKind}.");
            }

            JsonElement? weightMap = null;
            long? totalSize = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new SafetensorsException(indexPath, null, $"index has the key '{property.Name}' more than once.");
                }

                if (property.Name == "weight_map")
                {
                    weightMap = property.Value;
                }
                else if (property.Name == "metadata" && property.Value.ValueKind == JsonValueKind.Object
                         && property.Value.TryGetProperty("total_size", out JsonElement size)
                         && size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out long parsed))
                {
                    totalSize = parsed;
                }
            }

            if (weightMap is null)
            {
                throw new SafetensorsException(indexPath, null, "index has no 'weight_map'.");
            }

            Dictionary<string, string> map = ReadWeightMap(weightMap.Value, indexPath, directory);
            List<string> shards = map.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            return new ShardIndex(map, shards, totalSize);
        }
    }

    private static Dictionary<string, string> ReadWeightMap(JsonElement element, string indexPath, string directory)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsException(indexPath, null, $"'weight_map' must be an object of tensor name → shard file, found a JSON {element.ValueKind}.");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafetensorsException(indexPath, entry.Name, $"'weight_map' value must be a shard file name, found a JSON {entry.Value.ValueKind}.");
            }

            string shard = entry.Value.GetString()!;
            CheckShardPath(shard, entry.Name, indexPath, directory);
            if (!map.TryAdd(entry.Name, shard))
            {
                throw new SafetensorsException(indexPath, entry.Name, $"'weight_map' maps the tensor more than once ('{map[entry.Name]}' and '{shard}').");
            }
        }

        return map;
    }

    /// <summary>
    /// A shard must be a relative path that stays inside the checkpoint directory: no rooted paths, no '..' or '.'
    /// segments, no backslashes, no empty segments. Symbolic links are followed as usual (the Hugging Face cache
    /// links snapshot files to blobs elsewhere).
    /// </summary>
    private static void CheckShardPath(string shard, string tensor, string indexPath, string directory)
    {
        string? problem = null;
        if (shard.Length == 0)
        {
            problem = "is empty";
        }
        else if (System.IO.Path.IsPathRooted(shard) || shard.Contains('\\') || shard.Contains(':'))
        {
            problem = "is not a plain relative path";
        }
        else if (shard.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            problem = "contains '.', '..' or empty path segments";
        }
        else
        {
            string root = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(directory)) + System.IO.Path.DirectorySeparatorChar;
            string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, shard));
            if (!full.StartsWith(root, StringComparison.Ordinal))
            {
                problem = "escapes the checkpoint directory";
            }
        }

        if (problem is not null)
        {
            throw new SafetensorsException(indexPath, tensor, $"shard path '{shard}' {problem}; shards must be files inside {directory}.");
        }
    }
}
