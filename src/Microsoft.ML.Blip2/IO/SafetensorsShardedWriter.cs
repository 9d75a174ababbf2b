using TorchSharp;

namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// Writes a checkpoint directory in the Hugging Face layout: <c>model.safetensors</c> when everything fits in one
/// shard, otherwise <c>model-00001-of-0000N.safetensors</c> … plus <c>model.safetensors.index.json</c>.
/// </summary>
public static class SafetensorsShardedWriter
{
    /// <summary>
    /// Splits the tensors into shards of at most <paramref name="maxShardBytes"/> data bytes (greedy in the given
    /// order, as <c>huggingface_hub.split_torch_state_dict_into_shards</c>; a larger tensor gets its own shard) and
    /// writes them. Each file is written atomically. Afterwards, weight files of an earlier save that the new
    /// layout does not use (<c>model.safetensors</c>, the index, <c>model-XXXXX-of-YYYYY.safetensors</c>) are
    /// deleted, so <see cref="SafetensorsCheckpoint.Open"/> cannot pick up stale weights.
    /// </summary>
    /// <param name="directory">Checkpoint directory; created if missing.</param>
    /// <param name="tensors">Named tensors, in the order that decides the sharding (a model's state-dict order).</param>
    /// <param name="maxShardBytes">Maximum data bytes per shard (tensor sizes, excluding headers).</param>
    /// <param name="metadata">The <c>__metadata__</c> of every file, e.g. <c>{"format": "pt"}</c>.</param>
    /// <exception cref="ArgumentException">Duplicate or reserved names, disposed tensors, or unsupported element types.</exception>
    public static void Write(string directory, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors, long maxShardBytes, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxShardBytes, 1);
        List<TensorEntry> entries = TensorEntry.Collect(tensors);
        List<List<TensorEntry>> shards = ShardPlanner.Plan(entries, maxShardBytes);
        string fullDirectory = Path.GetFullPath(directory);
        Directory.CreateDirectory(fullDirectory);

        var written = new HashSet<string>(StringComparer.Ordinal);
        if (shards.Count <= 1)
        {
            WriteShard(fullDirectory, CheckpointFileNames.SingleFile, shards.Count == 0 ? [] : shards[0], metadata);
            written.Add(CheckpointFileNames.SingleFile);
        }
        else
        {
            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < shards.Count; i++)
            {
                string fileName = CheckpointFileNames.Shard(i + 1, shards.Count);
                WriteShard(fullDirectory, fileName, shards[i], metadata);
                written.Add(fileName);
                shards[i].ForEach(entry => weightMap.Add(entry.Name, fileName));
            }

            long totalSize = entries.Sum(e => e.ByteLength);
            byte[] index = ShardIndexWriter.Build(totalSize, weightMap);
            AtomicFile.Write(Path.Combine(fullDirectory, CheckpointFileNames.ShardIndex), stream => stream.Write(index));
            written.Add(CheckpointFileNames.ShardIndex);
        }

        DeleteStaleWeights(fullDirectory, written);
    }

    private static void WriteShard(string directory, string fileName, IEnumerable<TensorEntry> shard, IReadOnlyDictionary<string, string>? metadata)
    {
        List<TensorEntry> dataOrder = SafetensorsWriter.Prepare(shard.Select(e => KeyValuePair.Create(e.Name, e.Tensor)), metadata);
        AtomicFile.Write(Path.Combine(directory, fileName), stream => SafetensorsWriter.WriteEntries(stream, dataOrder, metadata));
    }

    private static void DeleteStaleWeights(string directory, HashSet<string> written)
    {
        foreach (string path in Directory.EnumerateFiles(directory))
        {
            string name = Path.GetFileName(path);
            bool ours = name is CheckpointFileNames.SingleFile or CheckpointFileNames.ShardIndex || CheckpointFileNames.IsShardName(name);
            if (ours && !written.Contains(name))
            {
                File.Delete(path);
            }
        }
    }
}
