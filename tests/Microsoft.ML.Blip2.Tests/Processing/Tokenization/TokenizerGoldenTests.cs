using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing;

/// <summary>One test result per (golden tokenizer case, section of expected.json).</summary>
[TestClass]
public sealed class TokenizerGoldenTests
{
    /// <summary>Every section of every <c>tokenizer_*</c> case under the golden folder.</summary>
    public static IEnumerable<TestDataRow<(string CaseName, string Section)>> GoldenSections()
    {
        string root = TokenizerTestPaths.GoldenRoot;
        string[] cases = Directory.GetDirectories(root, "tokenizer_*").Order(StringComparer.Ordinal).ToArray();
        if (cases.Length == 0)
        {
            throw new InvalidOperationException($"No tokenizer_* case in '{root}'.");
        }

        foreach (string caseDir in cases)
        {
            string caseName = Path.GetFileName(caseDir);
            foreach (string section in TokenizerGolden.Sections(caseDir))
            {
                yield return new TestDataRow<(string, string)>((caseName, section)) { DisplayName = $"{caseName}/{section}" };
            }
        }
    }

    [TestMethod]
    [TestCategory("Golden")]
    [DynamicData(nameof(GoldenSections))]
    public void MatchesTransformers(string caseName, string section) =>
        TokenizerGolden.RunSection(TokenizerTestPaths.GoldenCase(caseName), section);

    [TestMethod]
    [TestCategory("Golden")]
    public void EveryTokenizerCaseHasSectionsForAllExpectedOutputs()
    {
        // Guards the data source: a renamed or empty expected.json must not silently shrink the golden suite.
        CollectionAssert.IsSubsetOf(
            new[] { "single", "long_untruncated", "truncated", "batch_padded", "batch_max_length", "partial_utf8" },
            TokenizerGolden.Sections(TokenizerTestPaths.GoldenCase("tokenizer_opt")).ToArray());
        CollectionAssert.IsSubsetOf(
            new[] { "single", "truncated", "batch_padded", "batch_max_length", "pair" },
            TokenizerGolden.Sections(TokenizerTestPaths.GoldenCase("tokenizer_bert")).ToArray());
        CollectionAssert.IsSubsetOf(
            new[] { "legacy_true.single", "legacy_false.single", "legacy_false.truncated", "sp_pieces", "sp_scores" },
            TokenizerGolden.Sections(TokenizerTestPaths.GoldenCase("tokenizer_t5")).ToArray());
    }
}
