using System.Text.Json.Nodes;
using Microsoft.ML.Blip2.Configuration;

namespace Microsoft.ML.Blip2.Tests.Configuration;

/// <summary>
/// Every golden case with <c>model/config.json</c> (sparse, written by Hugging Face's <c>save_pretrained</c>) and
/// <c>resolved_config.json</c> (Hugging Face's <c>config.to_dict()</c> after loading it).
/// </summary>
[TestClass]
[TestCategory("Golden")]
public sealed class ResolvedConfigGoldenTests
{
    private const string ConfigFile = "model/config.json";
    private const string ResolvedFile = "resolved_config.json";

    public static IEnumerable<TestDataRow<string>> ConfigCases =>
        GoldenDirectory.CasesContaining(ConfigFile, ResolvedFile).Select(name => new TestDataRow<string>(name));

    [TestMethod]
    [DynamicData(nameof(ConfigCases))]
    public void FullFormEqualsResolvedConfig(string caseName)
    {
        PretrainedConfig config = AutoConfig.FromFile(GoldenDirectory.File(caseName, ConfigFile));
        JsonObject expected = ReadObject(GoldenDirectory.File(caseName, ResolvedFile));

        JsonObject actual = config.ToJsonNode(sparse: false);

        // The generator removed the top-level _name_or_path (the load path, machine-specific) from resolved_config.json;
        // nested configs keep theirs ("").
        if (!expected.ContainsKey("_name_or_path"))
        {
            Assert.AreEqual("", (string?)actual["_name_or_path"], $"{caseName}: top-level _name_or_path");
            actual.Remove("_name_or_path");
        }

        JsonTreeDiff.AssertEqual(expected, actual, $"{caseName}: full form vs {ResolvedFile}");
    }

    [TestMethod]
    [DynamicData(nameof(ConfigCases))]
    public void SparseFormEqualsTheConfigJsonHuggingFaceSaved(string caseName)
    {
        string path = GoldenDirectory.File(caseName, ConfigFile);
        PretrainedConfig config = AutoConfig.FromFile(path);

        JsonTreeDiff.AssertEqual(ReadObject(path), config.ToJsonNode(sparse: true), $"{caseName}: sparse form vs {ConfigFile}");
        Assert.AreEqual(File.ReadAllText(path), config.ToJson(sparse: true), $"{caseName}: sparse text differs from Hugging Face's formatting");
    }

    [TestMethod]
    [DynamicData(nameof(ConfigCases))]
    public void SparseFormReadsBackToAnEqualConfig(string caseName)
    {
        PretrainedConfig config = AutoConfig.FromFile(GoldenDirectory.File(caseName, ConfigFile));

        PretrainedConfig reread = AutoConfig.FromJson(config.ToJson(sparse: true));

        Assert.AreEqual(config, reread, $"{caseName}: record equality after a sparse round trip");
        JsonTreeDiff.AssertEqual(config.ToJsonNode(), reread.ToJsonNode(), $"{caseName}: full form after a sparse round trip");
    }

    [TestMethod]
    public void JsonTreeDiffReportsEveryDifferingPath()
    {
        var expected = JsonNode.Parse("""{"a": 1.0, "b": {"c": [1, 2], "d": "x"}, "e": null}""");
        var actual = JsonNode.Parse("""{"a": 1, "b": {"c": [1, 3], "f": true}, "e": 0}""");

        IReadOnlyList<string> differences = JsonTreeDiff.Differences(expected, actual);

        CollectionAssert.AreEquivalent(
            new[] { "$.b.c[1]", "$.b.d", "$.b.f", "$.e" },
            differences.Select(d => d[..d.IndexOf(':')]).ToArray(),
            string.Join("\n", differences));
    }

    private static JsonObject ReadObject(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();
}
