using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.IO;

namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>Which files of a Hugging Face BLIP-2 directory a transformer uses (and a saved model holds).</summary>
internal static class ModelFileNames
{
    /// <summary>Files that must exist.</summary>
    public static readonly string[] Required = [PretrainedConfig.FileName, ImagePreprocessorConfig.FileName];

    /// <summary>Configuration files used when present.</summary>
    public static readonly string[] Optional = [GenerationConfig.FileName, ProcessorConfig.FileName];

    /// <summary>Tokenizer files (at least one must exist).</summary>
    public static readonly string[] Tokenizer =
    [
        "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "tokenizer.json",
        "vocab.json", "merges.txt", "spiece.model", "vocab.txt",
    ];

    /// <summary>
    /// Snapshots the configuration, preprocessing and tokenizer files of <paramref name="directory"/>; throws
    /// <see cref="FileNotFoundException"/> naming a missing required file.
    /// </summary>
    public static IReadOnlyList<ModelFile> SnapshotSupportFiles(string directory)
    {
        RequireDirectory(directory);
        var files = Required.Select(name => ModelFile.Snapshot(directory, name)).ToList();
        files.AddRange(Optional.Concat(Tokenizer).Where(name => File.Exists(Path.Combine(directory, name))).Select(name => ModelFile.Snapshot(directory, name)));
        if (!Tokenizer.Any(name => File.Exists(Path.Combine(directory, name))))
        {
            throw new FileNotFoundException(
                $"No tokenizer files in '{directory}' (expected tokenizer_config.json with vocab.json + merges.txt, spiece.model or vocab.txt).",
                Path.Combine(directory, Tokenizer[0]));
        }

        return files;
    }

    /// <summary>
    /// Snapshots the safetensors weight files of <paramref name="directory"/>: <c>model.safetensors</c>, or the index and
    /// every shard it names. Throws <see cref="FileNotFoundException"/> naming what is missing.
    /// </summary>
    public static IReadOnlyList<ModelFile> SnapshotWeightFiles(string directory)
    {
        RequireDirectory(directory);
        if (File.Exists(Path.Combine(directory, CheckpointFileNames.SingleFile)))
            return [ModelFile.Snapshot(directory, CheckpointFileNames.SingleFile)];
        string index = Path.Combine(directory, CheckpointFileNames.ShardIndex);
        if (!File.Exists(index))
        {
            throw new FileNotFoundException(
                $"No weights in '{directory}': expected {CheckpointFileNames.SingleFile} or {CheckpointFileNames.ShardIndex} (safetensors; pickle files are never loaded).",
                Path.Combine(directory, CheckpointFileNames.SingleFile));
        }

        var shards = ShardIndex.Read(index, directory).ShardFiles;
        return [ModelFile.Snapshot(directory, CheckpointFileNames.ShardIndex), .. shards.Select(shard => ModelFile.Snapshot(directory, shard))];
    }

    private static void RequireDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Model directory '{directory}' does not exist.");
    }
}
