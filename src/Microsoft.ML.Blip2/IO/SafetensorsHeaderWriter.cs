using System.Globalization;
using System.Text;

namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// Writes the header JSON exactly as the Rust crate's <c>serde_json::to_string</c> does: compact,
/// <c>__metadata__</c> first, then each tensor as <c>{"dtype":..,"shape":[..],"data_offsets":[b,e]}</c> in data
/// order; strings escape only <c>"</c>, <c>\</c> and control characters (<c>\uXXXX</c> with lowercase hex), everything
/// else stays raw UTF-8. The result is padded with spaces to a multiple of 8 bytes.
/// </summary>
internal static class SafetensorsHeaderWriter
{
    internal static byte[] Build(IReadOnlyList<TensorEntry> dataOrder, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new StringBuilder();
        json.Append('{');
        bool first = true;
        if (metadata is not null)
        {
            // The Rust crate serialises a HashMap (arbitrary order); sorting makes our output deterministic.
            JsonStringWriter.Append(json, SafetensorsHeaderReader.MetadataKey, escapeNonAscii: false).Append(":{");
            bool firstEntry = true;
            foreach ((string key, string value) in metadata.OrderBy(p => p.Key, CodePointComparer.Instance))
            {
                json.Append(firstEntry ? "" : ",");
                JsonStringWriter.Append(json, key, escapeNonAscii: false).Append(':');
                JsonStringWriter.Append(json, value, escapeNonAscii: false);
                firstEntry = false;
            }

            json.Append('}');
            first = false;
        }

        long offset = 0;
        foreach (TensorEntry entry in dataOrder)
        {
            json.Append(first ? "" : ",");
            JsonStringWriter.Append(json, entry.Name, escapeNonAscii: false).Append(":{\"dtype\":");
            JsonStringWriter.Append(json, entry.DType.ToHeaderName(), escapeNonAscii: false).Append(",\"shape\":[");
            json.AppendJoin(',', entry.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
            json.Append("],\"data_offsets\":[")
                .Append(offset.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append((offset + entry.ByteLength).ToString(CultureInfo.InvariantCulture)).Append("]}");
            offset += entry.ByteLength;
            first = false;
        }

        json.Append('}');
        byte[] utf8 = Encoding.UTF8.GetBytes(json.ToString());
        int padding = (8 - (utf8.Length % 8)) % 8;
        byte[] padded = new byte[utf8.Length + padding];
        utf8.CopyTo(padded, 0);
        padded.AsSpan(utf8.Length).Fill((byte)' ');
        return padded;
    }

}
