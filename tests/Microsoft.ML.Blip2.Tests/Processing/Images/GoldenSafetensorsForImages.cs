using System.Buffers.Binary;
using System.Text.Json;

namespace Microsoft.ML.Blip2.Tests.Processing.Images;

/// <summary>
/// Minimal test-only safetensors reader (8-byte little-endian header length, JSON header, raw little-endian data)
/// for the U8 and F32 tensors of the image fixtures. To be replaced by the library's reader.
/// </summary>
internal sealed class GoldenSafetensorsForImages
{
    private readonly byte[] _file;
    private readonly Dictionary<string, (string DType, long[] Shape, long Begin, long End)> _entries = [];

    private GoldenSafetensorsForImages(string path)
    {
        Path = path;
        _file = File.ReadAllBytes(path);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(_file);
        using var header = JsonDocument.Parse(_file.AsMemory(8, checked((int)headerLength)));
        long dataStart = 8 + headerLength;
        foreach (JsonProperty entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
            {
                continue;
            }

            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            JsonElement offsets = entry.Value.GetProperty("data_offsets");
            _entries[entry.Name] = (entry.Value.GetProperty("dtype").GetString()!, shape,
                dataStart + offsets[0].GetInt64(), dataStart + offsets[1].GetInt64());
        }
    }

    public string Path { get; }

    public IEnumerable<string> Names => _entries.Keys;

    public static GoldenSafetensorsForImages Open(string path) => new(path);

    public bool Contains(string name) => _entries.ContainsKey(name);

    public long[] Shape(string name) => Entry(name).Shape;

    public byte[] U8(string name)
    {
        var entry = Entry(name, "U8");
        return _file.AsSpan((int)entry.Begin, (int)(entry.End - entry.Begin)).ToArray();
    }

    public float[] F32(string name)
    {
        var entry = Entry(name, "F32");
        var values = new float[(entry.End - entry.Begin) / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(_file.AsSpan((int)entry.Begin + 4 * i, 4));
        }

        return values;
    }

    private (string DType, long[] Shape, long Begin, long End) Entry(string name, string? dtype = null)
    {
        if (!_entries.TryGetValue(name, out var entry))
        {
            throw new KeyNotFoundException($"No tensor '{name}' in {Path}.");
        }

        if (dtype is not null && entry.DType != dtype)
        {
            throw new InvalidDataException($"Tensor '{name}' in {Path} is {entry.DType}, expected {dtype}.");
        }

        return entry;
    }
}
