using System.Buffers.Binary;
using TorchSharp;

namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// Writes safetensors files byte-identical to Python <c>safetensors.torch.save_file</c> (0.4): data sorted by
/// dtype alignment (descending) then name, compact header with <c>__metadata__</c> first, header padded with spaces
/// to a multiple of 8. Tensor bytes are streamed from each tensor's storage; nothing buffers the whole file.
/// </summary>
/// <remarks>
/// Differences from Python, all harmless to readers: metadata keys are sorted (the Rust crate writes them in hash
/// order); non-contiguous and non-CPU tensors are written from a contiguous CPU copy (Python refuses non-contiguous
/// ones); tensors sharing storage are written as separate copies (Python refuses them).
/// </remarks>
public static unsafe class SafetensorsWriter
{
    private const int ChunkBytes = 1 << 30;

    /// <summary>Writes a safetensors file atomically (temporary file in the same directory, then rename).</summary>
    /// <param name="path">Destination file; its directory must exist. An existing file is replaced.</param>
    /// <param name="tensors">Named tensors; names must be unique. The tensors are only read.</param>
    /// <param name="metadata">The <c>__metadata__</c> map, e.g. <c>{"format": "pt"}</c>; omitted when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">Duplicate or reserved names, disposed tensors, or unsupported element types.</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        List<TensorEntry> entries = Prepare(tensors, metadata);
        AtomicFile.Write(path, stream => WriteEntries(stream, entries, metadata));
    }

    /// <summary>Writes the safetensors bytes to a stream at its current position.</summary>
    /// <param name="stream">Destination stream; left open.</param>
    /// <param name="tensors">Named tensors; names must be unique. The tensors are only read.</param>
    /// <param name="metadata">The <c>__metadata__</c> map; omitted when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">Duplicate or reserved names, disposed tensors, or unsupported element types.</exception>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        List<TensorEntry> entries = Prepare(tensors, metadata);
        WriteEntries(stream, entries, metadata);
    }

    /// <summary>Validates the input and puts it in the reference writer's data order.</summary>
    internal static List<TensorEntry> Prepare(IEnumerable<KeyValuePair<string, torch.Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        SafetensorsFile.RequireLittleEndianHost();
        if (metadata is not null)
        {
            foreach ((string key, string value) in metadata)
            {
                if (key is null || value is null || !TensorEntry.IsValidUnicode(key) || !TensorEntry.IsValidUnicode(value))
                {
                    throw new ArgumentException($"Metadata entry '{key}' is null or contains an unpaired surrogate.", nameof(metadata));
                }
            }
        }

        return TensorEntry.Collect(tensors)
            .OrderByDescending(e => e.DType.AlignmentRank())
            .ThenBy(e => e.Name, CodePointComparer.Instance)
            .ToList();
    }

    /// <summary>Writes prepared entries: length prefix, padded header, then each tensor's bytes.</summary>
    internal static void WriteEntries(Stream stream, IReadOnlyList<TensorEntry> dataOrder, IReadOnlyDictionary<string, string>? metadata)
    {
        byte[] header = SafetensorsHeaderWriter.Build(dataOrder, metadata);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.LongLength);
        stream.Write(prefix);
        stream.Write(header);
        foreach (TensorEntry entry in dataOrder)
        {
            WriteData(stream, entry);
        }

        stream.Flush();
    }

    private static void WriteData(Stream stream, TensorEntry entry)
    {
        if (entry.ByteLength == 0)
        {
            return;
        }

        // Temporaries (CPU copy, contiguous copy) die with the scope; the caller's tensor is never disposed.
        using DisposeScope scope = torch.NewDisposeScope();
        torch.Tensor tensor = entry.Tensor.detach();
        if (tensor.device_type != DeviceType.CPU)
        {
            tensor = tensor.cpu();
        }

        if (!tensor.is_contiguous())
        {
            tensor = tensor.contiguous();
        }

        byte* data = (byte*)NativeTorch.DataPointer(tensor);
        for (long written = 0; written < entry.ByteLength;)
        {
            int chunk = (int)Math.Min(ChunkBytes, entry.ByteLength - written);
            stream.Write(new ReadOnlySpan<byte>(data + written, chunk));
            written += chunk;
        }
    }
}
