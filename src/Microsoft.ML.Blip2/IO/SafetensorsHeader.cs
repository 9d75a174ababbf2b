using System.Diagnostics.CodeAnalysis;

namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// The validated header of one safetensors file: metadata, tensor entries and the sizes of the header and data
/// sections. Every instance has passed all checks listed in <c>docs/safetensors.md</c>.
/// </summary>
public sealed class SafetensorsHeader
{
    private readonly Dictionary<string, SafetensorsTensorInfo> byName;

    internal SafetensorsHeader(
        string path,
        long headerByteLength,
        long dataByteLength,
        IReadOnlyDictionary<string, string> metadata,
        IReadOnlyList<SafetensorsTensorInfo> tensorsByOffset)
    {
        Path = path;
        HeaderByteLength = headerByteLength;
        DataByteLength = dataByteLength;
        Metadata = metadata;
        Tensors = tensorsByOffset;
        byName = tensorsByOffset.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The file the header was read from.</summary>
    public string Path { get; }

    /// <summary>Length of the JSON header in bytes (the little-endian u64 at the start of the file).</summary>
    public long HeaderByteLength { get; }

    /// <summary>Byte offset of the data section in the file: 8 + <see cref="HeaderByteLength"/>.</summary>
    public long DataSectionOffset => 8 + HeaderByteLength;

    /// <summary>Length of the data section in bytes (everything after the header).</summary>
    public long DataByteLength { get; }

    /// <summary>The <c>__metadata__</c> string map; empty when the header has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Tensor entries sorted by data offset (the storage order; for files written by the reference writer this is
    /// also the header order). Zero-length tensors sharing an offset keep their header order.
    /// </summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>Whether a tensor with this name exists.</summary>
    /// <param name="name">Tensor name (case-sensitive).</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Contains(string name) => byName.ContainsKey(name);

    /// <summary>Looks a tensor entry up by name.</summary>
    /// <param name="name">Tensor name (case-sensitive).</param>
    /// <param name="info">The entry when found.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool TryGetInfo(string name, [MaybeNullWhen(false)] out SafetensorsTensorInfo info) =>
        byName.TryGetValue(name, out info);

    /// <summary>Looks a tensor entry up by name.</summary>
    /// <param name="name">Tensor name (case-sensitive).</param>
    /// <returns>The entry.</returns>
    /// <exception cref="SafetensorsException">No tensor has this name.</exception>
    public SafetensorsTensorInfo GetInfo(string name) =>
        byName.TryGetValue(name, out SafetensorsTensorInfo? info)
            ? info
            : throw new SafetensorsException(Path, name, "no such tensor in this file.");
}
