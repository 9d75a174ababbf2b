namespace Microsoft.ML.Blip2.IO;

/// <summary>File names of the Hugging Face safetensors checkpoint layout and of the pickle formats it replaces.</summary>
public static class CheckpointFileNames
{
    /// <summary>Single-file checkpoint: <c>model.safetensors</c>.</summary>
    public const string SingleFile = "model.safetensors";

    /// <summary>Index of a sharded checkpoint: <c>model.safetensors.index.json</c>.</summary>
    public const string ShardIndex = "model.safetensors.index.json";

    /// <summary>Shard file name in the Hugging Face pattern, e.g. <c>model-00001-of-00003.safetensors</c>.</summary>
    /// <param name="shardNumber">1-based shard number.</param>
    /// <param name="shardCount">Total number of shards.</param>
    /// <returns>The file name.</returns>
    public static string Shard(int shardNumber, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardNumber, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, shardNumber);
        return $"model-{shardNumber:D5}-of-{shardCount:D5}.safetensors";
    }

    /// <summary>Whether a file name has the shape of <see cref="Shard"/> (five digits each).</summary>
    internal static bool IsShardName(string fileName) =>
        fileName.Length == "model-00001-of-00001.safetensors".Length
        && fileName.StartsWith("model-", StringComparison.Ordinal)
        && fileName.EndsWith(".safetensors", StringComparison.Ordinal)
        && fileName.AsSpan(6, 5).IndexOfAnyExceptInRange('0', '9') < 0
        && fileName.AsSpan(11, 4).SequenceEqual("-of-")
        && fileName.AsSpan(15, 5).IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>Extensions of pickle-based PyTorch checkpoints, which are never loaded.</summary>
    internal static readonly string[] PickleExtensions = [".bin", ".pt", ".pth", ".ckpt"];

    /// <summary>Whether the file name looks like a pickle checkpoint (including <c>pytorch_model.bin.index.json</c>).</summary>
    internal static bool IsPickleCheckpoint(string fileName) =>
        fileName.Equals("pytorch_model.bin.index.json", StringComparison.OrdinalIgnoreCase)
        || PickleExtensions.Any(extension => fileName.EndsWith(extension, StringComparison.OrdinalIgnoreCase));
}
