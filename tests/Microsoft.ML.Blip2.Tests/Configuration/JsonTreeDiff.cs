using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Tests.Configuration;

/// <summary>
/// Compares two json trees and lists every differing path (missing keys, unexpected keys, different values).
/// Numbers compare by value, so <c>1</c>, <c>1.0</c> and <c>1e0</c> are equal; booleans are not numbers here.
/// </summary>
internal static class JsonTreeDiff
{
    public static IReadOnlyList<string> Differences(JsonNode? expected, JsonNode? actual)
    {
        var differences = new List<string>();
        Compare("$", expected, actual, differences);
        return differences;
    }

    /// <summary>Fails with every difference in one message.</summary>
    public static void AssertEqual(JsonNode? expected, JsonNode? actual, string what)
    {
        IReadOnlyList<string> differences = Differences(expected, actual);
        if (differences.Count > 0)
        {
            Assert.Fail($"{what}: {differences.Count} difference(s):\n  " + string.Join("\n  ", differences));
        }
    }

    private static void Compare(string path, JsonNode? expected, JsonNode? actual, List<string> differences)
    {
        JsonValueKind expectedKind = expected?.GetValueKind() ?? JsonValueKind.Null;
        JsonValueKind actualKind = actual?.GetValueKind() ?? JsonValueKind.Null;
        if (expectedKind != actualKind)
        {
            differences.Add($"{path}: expected {Show(expected)}, actual {Show(actual)}");
            return;
        }

        switch (expectedKind)
        {
            case JsonValueKind.Object:
                JsonObject expectedObject = expected!.AsObject();
                JsonObject actualObject = actual!.AsObject();
                foreach ((string key, JsonNode? value) in expectedObject)
                {
                    if (actualObject.TryGetPropertyValue(key, out JsonNode? actualValue))
                    {
                        Compare($"{path}.{key}", value, actualValue, differences);
                    }
                    else
                    {
                        differences.Add($"{path}.{key}: missing (expected {Show(value)})");
                    }
                }

                foreach ((string key, JsonNode? value) in actualObject)
                {
                    if (!expectedObject.ContainsKey(key))
                    {
                        differences.Add($"{path}.{key}: unexpected {Show(value)}");
                    }
                }

                break;
            case JsonValueKind.Array:
                JsonArray expectedArray = expected!.AsArray();
                JsonArray actualArray = actual!.AsArray();
                if (expectedArray.Count != actualArray.Count)
                {
                    differences.Add($"{path}: expected {expectedArray.Count} items {Show(expected)}, actual {actualArray.Count} {Show(actual)}");
                    break;
                }

                for (int i = 0; i < expectedArray.Count; i++)
                {
                    Compare($"{path}[{i}]", expectedArray[i], actualArray[i], differences);
                }

                break;
            case JsonValueKind.Number:
                if (Number(expected!) != Number(actual!))
                {
                    differences.Add($"{path}: expected {Show(expected)}, actual {Show(actual)}");
                }

                break;
            case JsonValueKind.String:
                if (expected!.GetValue<string>() != actual!.GetValue<string>())
                {
                    differences.Add($"{path}: expected {Show(expected)}, actual {Show(actual)}");
                }

                break;
        }
    }

    private static double Number(JsonNode node) => double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";
}
