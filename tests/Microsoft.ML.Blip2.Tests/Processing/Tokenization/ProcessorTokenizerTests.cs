using System.Text.Json.Nodes;
using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing;

/// <summary>
/// The tokenizer of a full Blip2Processor directory (golden processor_opt): the plain-tokenizer calls and the text
/// parts of the image-token calls of its expected.json.
/// </summary>
[TestClass]
public sealed class ProcessorTokenizerTests
{
    private static readonly string CaseDir = TokenizerTestPaths.GoldenCase("processor_opt");

    private static JsonObject Expected => JsonNode.Parse(File.ReadAllText(Path.Combine(CaseDir, "expected.json")))!.AsObject();

    private static JsonObject Texts => JsonNode.Parse(File.ReadAllText(Path.Combine(CaseDir, "case.json")))!["texts"]!.AsObject();

    private static Blip2Tokenizer Load() => Blip2Tokenizer.FromPretrained(Path.Combine(CaseDir, "processor"));

    [TestMethod]
    [DataRow("legacy.batch", TokenizerPadding.Longest, null)]
    [DataRow("legacy.text_only", TokenizerPadding.Longest, null)]
    [DataRow("legacy.batch_maxlen", TokenizerPadding.MaxLength, 8)]
    public void LegacyCallsAreThePlainTokenizerOutput(string call, TokenizerPadding padding, int? maxLength)
    {
        TokenizedBatch batch = Load().EncodeBatch(ReferenceFixtures.Strings(Texts["batch"]), new TokenizerCallOptions
        {
            Padding = padding,
            Truncation = maxLength is null ? null : true,
            MaxLength = maxLength,
        });
        AssertRows(Expected[call]!, batch.InputIds, batch.AttentionMask);
    }

    [TestMethod]
    public void LegacySingleText()
    {
        TokenizedBatch batch = Load().EncodeBatch([Texts["single"]!.GetValue<string>()]);
        AssertRows(Expected["legacy.single"]!, batch.InputIds, batch.AttentionMask);
    }

    [TestMethod]
    public void ImageTokensPrependedToEveryRowGiveTheFixedProcessorOutput()
    {
        // transformers PR #34225: tokenizer(["<image>" * Q], add_special_tokens=False) + tokenizer(texts, ...), row by row.
        Blip2Tokenizer tokenizer = Load();
        int queries = Expected["info"]!["num_query_tokens"]!.GetValue<int>();
        List<string> texts = ReferenceFixtures.Strings(Texts["batch"]);
        TokenizedBatch image = tokenizer.EncodeBatch(Enumerable.Repeat(string.Concat(Enumerable.Repeat("<image>", queries)), texts.Count).ToList(),
            new TokenizerCallOptions { AddSpecialTokens = false });
        TokenizedBatch text = tokenizer.EncodeBatch(texts, new TokenizerCallOptions { Padding = TokenizerPadding.MaxLength, Truncation = true, MaxLength = 8 });

        long[][] ids = image.InputIds.Zip(text.InputIds, (i, t) => i.Concat(t).ToArray()).ToArray();
        long[][] mask = image.AttentionMask.Zip(text.AttentionMask, (i, t) => i.Concat(t).ToArray()).ToArray();
        AssertRows(Expected["new.batch_maxlen_fixed_pr34225"]!, ids, mask);
    }

    [TestMethod]
    public void BatchDecodeKeepsOrDropsTheImageTokens()
    {
        Blip2Tokenizer tokenizer = Load();
        JsonNode rows = Expected["new.batch_fixed_pr34225"]!["input_ids"]!;
        var ids = rows.AsArray().Select(r => ReferenceFixtures.Longs(r)).ToList();
        JsonNode decoded = Expected["new.batch_decode"]!;
        CollectionAssert.AreEqual(ReferenceFixtures.Strings(decoded["keep_special"]), tokenizer.BatchDecode(ids).ToList());
        CollectionAssert.AreEqual(ReferenceFixtures.Strings(decoded["skip_special"]), tokenizer.BatchDecode(ids, skipSpecialTokens: true).ToList());
    }

    private static void AssertRows(JsonNode expected, long[][] ids, long[][] mask)
    {
        var expectedIds = expected["input_ids"]!.AsArray().Select(r => ReferenceFixtures.Longs(r)).ToList();
        var expectedMask = expected["attention_mask"]!.AsArray().Select(r => ReferenceFixtures.Longs(r)).ToList();
        Assert.AreEqual(expectedIds.Count, ids.Length);
        for (int r = 0; r < ids.Length; r++)
        {
            CollectionAssert.AreEqual(expectedIds[r], ids[r], $"input_ids row {r}");
            CollectionAssert.AreEqual(expectedMask[r], mask[r], $"attention_mask row {r}");
        }
    }
}
