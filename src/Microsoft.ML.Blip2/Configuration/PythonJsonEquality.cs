using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// Equality of JSON values as Python's <c>==</c> sees the decoded objects (numbers by value, so <c>1</c> equals
/// <c>1.0</c>, and <c>true</c> equals <c>1</c>). Hugging Face's sparse <c>config.json</c> drops a key when its value
/// <c>==</c> the default, so the same rule decides what the sparse form keeps.
/// </summary>
internal static class PythonJsonEquality
{
    public static bool AreEqual(JsonNode? left, JsonNode? right)
    {
        JsonValueKind leftKind = KindOf(left);
        JsonValueKind rightKind = KindOf(right);
        if (IsNumeric(leftKind) && IsNumeric(rightKind))
        {
            return NumbersEqual(left!, leftKind, right!, rightKind);
        }

        if (leftKind != rightKind)
        {
            return false;
        }

        return leftKind switch
        {
            JsonValueKind.Null => true,
            JsonValueKind.String => string.Equals(left!.GetValue<string>(), right!.GetValue<string>(), StringComparison.Ordinal),
            JsonValueKind.Array => ArraysEqual(left!.AsArray(), right!.AsArray()),
            JsonValueKind.Object => ObjectsEqual(left!.AsObject(), right!.AsObject()),
            _ => false,
        };
    }

    /// <summary>A hash consistent with <see cref="AreEqual"/> (numbers and booleans hash alike).</summary>
    public static int GetHashCode(JsonNode? node) => KindOf(node) switch
    {
        JsonValueKind.String => node!.GetValue<string>().GetHashCode(StringComparison.Ordinal),
        JsonValueKind.Array => node!.AsArray().Count,
        JsonValueKind.Object => node!.AsObject().Count + 7919,
        JsonValueKind.Null => 0,
        _ => 1,
    };

    private static JsonValueKind KindOf(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    private static bool IsNumeric(JsonValueKind kind) =>
        kind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;

    private static bool NumbersEqual(JsonNode left, JsonValueKind leftKind, JsonNode right, JsonValueKind rightKind)
    {
        if (TryGetInteger(left, leftKind, out long leftInteger) && TryGetInteger(right, rightKind, out long rightInteger))
        {
            return leftInteger == rightInteger;
        }

        return ToDouble(left, leftKind) == ToDouble(right, rightKind);
    }

    private static bool TryGetInteger(JsonNode node, JsonValueKind kind, out long value)
    {
        switch (kind)
        {
            case JsonValueKind.True:
                value = 1;
                return true;
            case JsonValueKind.False:
                value = 0;
                return true;
            default:
                string text = node.ToJsonString();
                return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        }
    }

    private static double ToDouble(JsonNode node, JsonValueKind kind) => kind switch
    {
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        _ => double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static bool ArraysEqual(JsonArray left, JsonArray right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        for (int i = 0; i < left.Count; i++)
        {
            if (!AreEqual(left[i], right[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ObjectsEqual(JsonObject left, JsonObject right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        foreach ((string key, JsonNode? value) in left)
        {
            if (!right.TryGetPropertyValue(key, out JsonNode? other) || !AreEqual(value, other))
            {
                return false;
            }
        }

        return true;
    }
}
