namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// Splits tensors into shards like Hugging Face <c>split_state_dict_into_shards_factory</c>: greedy in the given
/// order; a tensor larger than the limit gets a shard of its own, appended at once (before the shard being filled);
/// otherwise the current shard is closed when the next tensor would take it over the limit.
/// </summary>
internal static class ShardPlanner
{
    internal static List<List<TensorEntry>> Plan(IReadOnlyList<TensorEntry> entries, long maxShardBytes)
    {
        var shards = new List<List<TensorEntry>>();
        var current = new List<TensorEntry>();
        long currentBytes = 0;
        foreach (TensorEntry entry in entries)
        {
            if (entry.ByteLength > maxShardBytes)
            {
                shards.Add([entry]);
                continue;
            }

            if (currentBytes + entry.ByteLength > maxShardBytes)
            {
                shards.Add(current);
                current = [];
                currentBytes = 0;
            }

            current.Add(entry);
            currentBytes += entry.ByteLength;
        }

        if (current.Count > 0)
        {
            shards.Add(current);
        }

        return shards;
    }
}
