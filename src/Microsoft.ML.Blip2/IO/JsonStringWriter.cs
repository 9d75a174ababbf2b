using System.Globalization;
using System.Text;

namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// Writes JSON string literals the way the reference writers do: serde_json (safetensors headers: only control
/// characters escaped) or Python's <c>json.dumps</c> with <c>ensure_ascii</c> (the shard index: non-ASCII as \uXXXX).
/// </summary>
internal static class JsonStringWriter
{
    /// <summary>Appends <paramref name="text"/> as a quoted, escaped JSON string.</summary>
    public static StringBuilder Append(StringBuilder json, string text, bool escapeNonAscii)
    {
        json.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < ' ': json.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                case > '~' when escapeNonAscii: json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: json.Append(c); break;
            }
        }
        return json.Append('"');
    }
}
