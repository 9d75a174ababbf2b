using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Unicode;

namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// Reads and fully validates a safetensors header before anything of the file is exposed. The checks follow the
/// Rust <c>safetensors</c> crate (<c>read_metadata</c> + <c>Metadata::validate</c>) and are stricter where the format
/// leaves room for ambiguity (duplicate keys, unknown fields, <c>__metadata__</c> values).
/// </summary>
internal static class SafetensorsHeaderReader
{
    /// <summary>Same limit as the Rust crate's <c>MAX_HEADER_SIZE</c>.</summary>
    internal const long MaxHeaderByteLength = 100_000_000;

    internal const string MetadataKey = "__metadata__";

    /// <summary>Reads the header of the file behind <paramref name="stream"/>, leaving the stream position unspecified.</summary>
    internal static SafetensorsHeader Read(FileStream stream, string path)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw new SafetensorsException(path, null, $"file is {fileLength} bytes long, shorter than the 8-byte header length prefix (truncated or not a safetensors file).");
        }

        Span<byte> prefix = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(prefix);
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        long headerLength = CheckHeaderLength(declared, fileLength, path);

        byte[] json = new byte[headerLength];
        stream.ReadExactly(json);
        return Parse(json, fileLength - 8 - headerLength, path);
    }

    private static long CheckHeaderLength(ulong declared, long fileLength, string path)
    {
        if (declared > MaxHeaderByteLength)
        {
            throw new SafetensorsException(path, null, $"header length {declared} exceeds the {MaxHeaderByteLength}-byte limit (corrupt file or not a safetensors file).");
        }

        long headerLength = (long)declared;
        if (headerLength < 2)
        {
            throw new SafetensorsException(path, null, $"header length {headerLength} is too small for a JSON object (at least 2 bytes, '{{}}').");
        }

        if (headerLength > fileLength - 8)
        {
            throw new SafetensorsException(path, null, $"header length {headerLength} runs past the end of the {fileLength}-byte file (truncated file?).");
        }

        return headerLength;
    }

    /// <summary>Parses and validates header JSON given the length of the data section that follows it.</summary>
    internal static SafetensorsHeader Parse(byte[] json, long dataLength, string path)
    {
        if (!Utf8.IsValid(json))
        {
            throw new SafetensorsException(path, null, "header is not valid UTF-8.");
        }

        if (json[0] != (byte)'{')
        {
            throw new SafetensorsException(path, null, "header is not a JSON object (it must start with '{').");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            throw new SafetensorsException(path, null, $"header is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            return Build(document.RootElement, json.LongLength, dataLength, path);
        }
    }

    private static SafetensorsHeader Build(JsonElement root, long headerLength, long dataLength, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsException(path, null, $"header is a JSON {root.ValueKind}, not an object.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyDictionary<string, string>? metadata = null;
        var tensors = new List<SafetensorsTensorInfo>();
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw new SafetensorsException(path, property.Name == MetadataKey ? null : property.Name, $"header has the key '{property.Name}' more than once.");
            }

            if (property.Name == MetadataKey)
            {
                metadata = ReadMetadata(property.Value, path);
            }
            else
            {
                tensors.Add(ReadTensor(property.Name, property.Value, dataLength, path));
            }
        }

        List<SafetensorsTensorInfo> byOffset = SortAndCheckCoverage(tensors, dataLength, path);
        return new SafetensorsHeader(path, headerLength, dataLength, metadata ?? new Dictionary<string, string>(), byOffset);
    }

    private static Dictionary<string, string> ReadMetadata(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsException(path, null, $"'{MetadataKey}' must be an object of strings, found a JSON {value.ValueKind}.");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafetensorsException(path, null, $"'{MetadataKey}' value of '{entry.Name}' must be a string, found a JSON {entry.Value.ValueKind}.");
            }

            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw new SafetensorsException(path, null, $"'{MetadataKey}' has the key '{entry.Name}' more than once.");
            }
        }

        return metadata;
    }

    private static SafetensorsTensorInfo ReadTensor(string name, JsonElement value, long dataLength, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsException(path, name, $"entry must be an object with dtype, shape and data_offsets, found a JSON {value.ValueKind}.");
        }

        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonProperty field in value.EnumerateObject())
        {
            if (field.Name is not ("dtype" or "shape" or "data_offsets"))
            {
                throw new SafetensorsException(path, name, $"unexpected field '{field.Name}' (allowed: dtype, shape, data_offsets).");
            }

            if (!fields.TryAdd(field.Name, field.Value))
            {
                throw new SafetensorsException(path, name, $"field '{field.Name}' appears more than once.");
            }
        }

        SafetensorsDType dtype = ReadDType(Required("dtype"), name, path);
        long[] shape = ReadIntegers(Required("shape"), "shape", name, path);
        long[] offsets = ReadIntegers(Required("data_offsets"), "data_offsets", name, path);
        if (offsets.Length != 2)
        {
            throw new SafetensorsException(path, name, $"data_offsets must be [begin, end], found {offsets.Length} numbers.");
        }

        long begin = offsets[0], end = offsets[1];
        if (begin > end)
        {
            throw new SafetensorsException(path, name, $"data_offsets [{begin}, {end}] has begin after end.");
        }

        if (end > dataLength)
        {
            throw new SafetensorsException(path, name, $"data_offsets [{begin}, {end}] run past the end of the {dataLength}-byte data section.");
        }

        long expectedBytes = ByteLengthOf(shape, dtype, name, path);
        if (end - begin != expectedBytes)
        {
            throw new SafetensorsException(path, name, $"data_offsets [{begin}, {end}] span {end - begin} bytes but shape [{string.Join(", ", shape)}] of {dtype} needs {expectedBytes}.");
        }

        return new SafetensorsTensorInfo(name, dtype, Array.AsReadOnly(shape), begin, end);

        JsonElement Required(string field) =>
            fields.TryGetValue(field, out JsonElement element)
                ? element
                : throw new SafetensorsException(path, name, $"missing field '{field}' (required: dtype, shape, data_offsets).");
    }

    private static SafetensorsDType ReadDType(JsonElement element, string name, string path)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw new SafetensorsException(path, name, $"dtype must be a string, found a JSON {element.ValueKind}.");
        }

        string text = element.GetString()!;
        return SafetensorsDTypeExtensions.TryParse(text, out SafetensorsDType dtype)
            ? dtype
            : throw new SafetensorsException(path, name, $"unknown or unsupported dtype '{text}' (supported: {SafetensorsDTypeExtensions.SupportedNames}).");
    }

    private static long[] ReadIntegers(JsonElement element, string field, string name, string path)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new SafetensorsException(path, name, $"{field} must be an array of non-negative integers, found a JSON {element.ValueKind}.");
        }

        var values = new long[element.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number)
            {
                throw new SafetensorsException(path, name, $"{field}[{i}] must be a non-negative integer, found a JSON {item.ValueKind}.");
            }

            string raw = item.GetRawText();
            if (raw.StartsWith('-'))
            {
                throw new SafetensorsException(path, name, $"{field}[{i}] is negative ({raw}).");
            }

            if (raw.AsSpan().IndexOfAny(".eE") >= 0)
            {
                throw new SafetensorsException(path, name, $"{field}[{i}] is not an integer ({raw}).");
            }

            if (!item.TryGetInt64(out values[i]))
            {
                throw new SafetensorsException(path, name, $"{field}[{i}] = {raw} is too large.");
            }

            i++;
        }

        return values;
    }

    private static long ByteLengthOf(long[] shape, SafetensorsDType dtype, string name, string path)
    {
        try
        {
            long count = 1;
            foreach (long dim in shape)
            {
                count = checked(count * dim);
            }

            return checked(count * dtype.GetItemSize());
        }
        catch (OverflowException e)
        {
            throw new SafetensorsException(path, name, $"shape [{string.Join(", ", shape)}] of {dtype} overflows a 64-bit byte count.", e);
        }
    }

    /// <summary>
    /// The tensors, sorted by offsets, must tile the data section exactly: the first starts at 0, each starts where
    /// the previous ended, the last ends at the end of the file.
    /// </summary>
    private static List<SafetensorsTensorInfo> SortAndCheckCoverage(List<SafetensorsTensorInfo> tensors, long dataLength, string path)
    {
        // OrderBy is stable, so zero-length tensors at the same offset keep their header order.
        List<SafetensorsTensorInfo> sorted = tensors.OrderBy(t => t.DataBegin).ThenBy(t => t.DataEnd).ToList();
        long covered = 0;
        SafetensorsTensorInfo? previous = null;
        foreach (SafetensorsTensorInfo tensor in sorted)
        {
            if (tensor.DataBegin < covered)
            {
                throw new SafetensorsException(path, tensor.Name, $"data_offsets [{tensor.DataBegin}, {tensor.DataEnd}] overlap tensor '{previous!.Name}' [{previous.DataBegin}, {previous.DataEnd}].");
            }

            if (tensor.DataBegin > covered)
            {
                string after = previous is null ? "the start of the data section" : $"tensor '{previous.Name}' (ends at {covered})";
                throw new SafetensorsException(path, tensor.Name, $"data_offsets [{tensor.DataBegin}, {tensor.DataEnd}] leave a gap of {tensor.DataBegin - covered} bytes after {after}.");
            }

            covered = tensor.DataEnd;
            previous = tensor;
        }

        if (covered != dataLength)
        {
            throw new SafetensorsException(path, null, $"the tensors cover {covered} bytes but the data section after the header is {dataLength} bytes (trailing bytes not described by the header).");
        }

        return sorted;
    }
}
