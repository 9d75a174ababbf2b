using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Tests.Processing;

/// <summary>Reads the committed reference fixtures (outputs of independent tokenizer implementations).</summary>
internal static class ReferenceFixtures
{
    public static JsonObject Read(string fileName) =>
        JsonNode.Parse(File.ReadAllText(TokenizerTestPaths.Fixture(fileName)))?.AsObject()
            ?? throw new InvalidDataException($"Fixture {fileName} is empty.");

    public static IEnumerable<JsonObject> Cases(string fileName) => Read(fileName)["cases"]!.AsArray().Select(c => c!.AsObject());

    public static List<int> Ints(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<int>()).ToList();

    public static List<long> Longs(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<long>()).ToList();

    public static List<string> Strings(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToList();

    public static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
