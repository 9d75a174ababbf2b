using System.Globalization;
using System.Text;

namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// Writes <c>model.safetensors.index.json</c> as transformers does: <c>json.dumps(index, indent=2,
/// sort_keys=True) + "\n"</c> with <c>{"metadata": {"total_size": N}, "weight_map": {name: file}}</c>. Python's
/// default <c>ensure_ascii</c> escapes every character outside printable ASCII as <c>\uXXXX</c>.
/// </summary>
internal static class ShardIndexWriter
{
    internal static byte[] Build(long totalSize, IReadOnlyDictionary<string, string> weightMap)
    {
        var json = new StringBuilder();
        json.Append("{\n  \"metadata\": {\n    \"total_size\": ")
            .Append(totalSize.ToString(CultureInfo.InvariantCulture))
            .Append("\n  },\n  \"weight_map\": {");
        bool first = true;
        foreach ((string name, string file) in weightMap.OrderBy(p => p.Key, CodePointComparer.Instance))
        {
            json.Append(first ? "\n" : ",\n").Append("    ");
            JsonStringWriter.Append(json, name, escapeNonAscii: true).Append(": ");
            JsonStringWriter.Append(json, file, escapeNonAscii: true);
            first = false;
        }

        json.Append(first ? "}\n}\n" : "\n  }\n}\n");
        return Encoding.ASCII.GetBytes(json.ToString());
    }

}
