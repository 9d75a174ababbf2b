using System.Diagnostics.CodeAnalysis;
using TorchSharp;

namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// The weights of a Hugging Face checkpoint in safetensors form: a single <c>model.safetensors</c>, or a
/// <c>model.safetensors.index.json</c> with its shards, all memory-mapped and validated when opened.
/// </summary>
public sealed class SafetensorsCheckpoint : IDisposable
{
    private readonly Dictionary<string, SafetensorsFile> fileByTensor;

    private SafetensorsCheckpoint(string directory, string? indexPath, long? indexTotalSize, IReadOnlyList<SafetensorsFile> files, Dictionary<string, SafetensorsFile> fileByTensor)
    {
        Directory = directory;
        IndexPath = indexPath;
        IndexTotalSize = indexTotalSize;
        Files = files;
        this.fileByTensor = fileByTensor;
        Names = fileByTensor.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Full path of the checkpoint directory (the file's directory when a single file was opened).</summary>
    public string Directory { get; }

    /// <summary>Full path of the shard index, or <see langword="null"/> for a single-file checkpoint.</summary>
    public string? IndexPath { get; }

    /// <summary>The index's <c>metadata.total_size</c> when present; informative only, never validated.</summary>
    public long? IndexTotalSize { get; }

    /// <summary>The opened files: the single file, or the shards in ordinal order of their names.</summary>
    public IReadOnlyList<SafetensorsFile> Files { get; }

    /// <summary>All tensor names, in ordinal order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The <c>__metadata__</c> of the first file in <see cref="Files"/> (Hugging Face writes the same map into every shard).</summary>
    public IReadOnlyDictionary<string, string> Metadata => Files.Count > 0 ? Files[0].Metadata : new Dictionary<string, string>();

    /// <summary>
    /// Opens a checkpoint. <paramref name="directoryOrFile"/> is a directory holding <c>model.safetensors</c>
    /// (preferred, as in transformers) or <c>model.safetensors.index.json</c>, or the path of a single
    /// <c>.safetensors</c> file or of an index file.
    /// </summary>
    /// <param name="directoryOrFile">Checkpoint directory or file.</param>
    /// <returns>The open checkpoint; dispose it when done.</returns>
    /// <exception cref="SafetensorsException">
    /// Malformed files or index, shards outside the directory, tensors missing from or duplicated across shards,
    /// or only pickle weights (<c>pytorch_model.bin</c>, <c>*.pt</c>, ...), which are never loaded.
    /// </exception>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    public static SafetensorsCheckpoint Open(string directoryOrFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(directoryOrFile);
        string fullPath = System.IO.Path.GetFullPath(directoryOrFile);
        if (System.IO.Directory.Exists(fullPath))
        {
            return OpenDirectory(fullPath);
        }

        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"No checkpoint directory or file at {fullPath}.", fullPath);
        }

        string fileName = System.IO.Path.GetFileName(fullPath);
        string directory = System.IO.Path.GetDirectoryName(fullPath)!;
        if (fileName.EndsWith(".index.json", StringComparison.Ordinal) && !CheckpointFileNames.IsPickleCheckpoint(fileName))
        {
            return OpenSharded(directory, fullPath);
        }

        if (CheckpointFileNames.IsPickleCheckpoint(fileName))
        {
            throw PickleCheckpointRefusal.Create(fullPath, [fileName]);
        }

        return OpenSingle(directory, fullPath);
    }

    /// <summary>Whether the checkpoint holds a tensor with this name.</summary>
    /// <param name="name">Tensor name.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Contains(string name) => fileByTensor.ContainsKey(name);

    /// <summary>Looks a tensor entry up by name.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="info">The entry when found (offsets are relative to its own file).</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool TryGetInfo(string name, [MaybeNullWhen(false)] out SafetensorsTensorInfo info)
    {
        if (fileByTensor.TryGetValue(name, out SafetensorsFile? file))
        {
            return file.TryGetInfo(name, out info);
        }

        info = null;
        return false;
    }

    /// <summary>Looks a tensor entry up by name.</summary>
    /// <param name="name">Tensor name.</param>
    /// <returns>The entry (offsets are relative to its own file).</returns>
    /// <exception cref="SafetensorsException">No such tensor.</exception>
    public SafetensorsTensorInfo GetInfo(string name) => GetFile(name).GetInfo(name);

    /// <summary>The file that holds a tensor.</summary>
    /// <param name="name">Tensor name.</param>
    /// <returns>The file.</returns>
    /// <exception cref="SafetensorsException">No such tensor.</exception>
    public SafetensorsFile GetFile(string name) =>
        fileByTensor.TryGetValue(name, out SafetensorsFile? file)
            ? file
            : throw new SafetensorsException(IndexPath ?? Files[0].Path, name, "no such tensor in this checkpoint.");

    /// <summary>Loads a tensor, zero-copy when no conversion is requested; see <see cref="SafetensorsFile.LoadTensor"/>.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="dtype">Element type of the result; <see langword="null"/> keeps the stored one.</param>
    /// <param name="device">Device of the result; <see langword="null"/> means CPU.</param>
    /// <returns>A tensor the caller disposes.</returns>
    public torch.Tensor LoadTensor(string name, torch.ScalarType? dtype = null, torch.Device? device = null) =>
        GetFile(name).LoadTensor(name, dtype, device);

    /// <summary>Loads a tensor into memory it owns; see <see cref="SafetensorsFile.LoadTensorCopy"/>.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="dtype">Element type of the result; <see langword="null"/> keeps the stored one.</param>
    /// <param name="device">Device of the result; <see langword="null"/> means CPU.</param>
    /// <returns>A new tensor independent of the files; the caller disposes it.</returns>
    public torch.Tensor LoadTensorCopy(string name, torch.ScalarType? dtype = null, torch.Device? device = null) =>
        GetFile(name).LoadTensorCopy(name, dtype, device);

    /// <summary>Disposes every file; zero-copy tensors already loaded stay valid.</summary>
    public void Dispose()
    {
        foreach (SafetensorsFile file in Files)
        {
            file.Dispose();
        }
    }

    private static SafetensorsCheckpoint OpenDirectory(string directory)
    {
        string single = System.IO.Path.Combine(directory, CheckpointFileNames.SingleFile);
        if (File.Exists(single))
        {
            return OpenSingle(directory, single);
        }

        string index = System.IO.Path.Combine(directory, CheckpointFileNames.ShardIndex);
        if (File.Exists(index))
        {
            return OpenSharded(directory, index);
        }

        List<string> pickles = System.IO.Directory.EnumerateFiles(directory)
            .Select(System.IO.Path.GetFileName)
            .Where(name => CheckpointFileNames.IsPickleCheckpoint(name!))
            .Order(StringComparer.Ordinal)
            .ToList()!;
        if (pickles.Count > 0)
        {
            throw PickleCheckpointRefusal.Create(directory, pickles);
        }

        throw new SafetensorsException(directory, null, $"no {CheckpointFileNames.SingleFile} or {CheckpointFileNames.ShardIndex} in this directory.");
    }

    private static SafetensorsCheckpoint OpenSingle(string directory, string path)
    {
        SafetensorsFile file = SafetensorsFile.Open(path);
        var byTensor = file.Tensors.ToDictionary(t => t.Name, _ => file, StringComparer.Ordinal);
        return new SafetensorsCheckpoint(directory, null, null, [file], byTensor);
    }

    private static SafetensorsCheckpoint OpenSharded(string directory, string indexPath)
    {
        ShardIndex index = ShardIndex.Read(indexPath, directory);
        var files = new List<SafetensorsFile>();
        try
        {
            var byTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (string shard in index.ShardFiles)
            {
                string shardPath = System.IO.Path.Combine(directory, shard);
                if (!File.Exists(shardPath))
                {
                    throw new SafetensorsException(indexPath, null, $"shard '{shard}' named in 'weight_map' does not exist.");
                }

                SafetensorsFile file = SafetensorsFile.Open(shardPath);
                files.Add(file);
                foreach (SafetensorsTensorInfo tensor in file.Tensors)
                {
                    if (byTensor.TryGetValue(tensor.Name, out SafetensorsFile? other))
                    {
                        throw new SafetensorsException(indexPath, tensor.Name, $"tensor is stored in two shards, '{System.IO.Path.GetFileName(other.Path)}' and '{shard}'.");
                    }

                    if (!index.WeightMap.TryGetValue(tensor.Name, out string? mapped) || mapped != shard)
                    {
                        string where = mapped is null ? "is not in 'weight_map'" : $"is mapped to '{mapped}'";
                        throw new SafetensorsException(indexPath, tensor.Name, $"tensor is stored in shard '{shard}' but {where}.");
                    }

                    byTensor.Add(tensor.Name, file);
                }
            }

            foreach ((string tensor, string shard) in index.WeightMap)
            {
                if (!byTensor.ContainsKey(tensor))
                {
                    throw new SafetensorsException(indexPath, tensor, $"'weight_map' maps the tensor to '{shard}' but that shard does not contain it.");
                }
            }

            return new SafetensorsCheckpoint(directory, indexPath, index.TotalSize, files, byTensor);
        }
        catch
        {
            files.ForEach(f => f.Dispose());
            throw;
        }
    }
}
