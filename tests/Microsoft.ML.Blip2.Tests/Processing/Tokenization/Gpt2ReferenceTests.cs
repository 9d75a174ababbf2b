using System.Text.Json;
using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing;

/// <summary>
/// GPT-2 byte-level BPE against ids from the npm package gpt-3-encoder@1.1.4 (Fixtures/gpt2_reference.json, made by
/// make_gpt2_reference.js), an implementation independent of transformers and of this code.
/// </summary>
[TestClass]
public sealed class Gpt2ReferenceTests
{
    private const string Fixture = "gpt2_reference.json";

    [TestMethod]
    public void FixtureCoversEnoughTexts() => Assert.IsGreaterThanOrEqualTo(30, ReferenceFixtures.Cases(Fixture).Count());

    [TestMethod]
    public void Gpt2VocabularyGivesTheReferenceIds()
    {
        using TokenizerTestPaths.TemporaryFolder folder = WriteGpt2Checkpoint();
        Blip2Tokenizer gpt2 = Blip2Tokenizer.FromPretrained(folder.Path);

        // No tokenizer_config.json: the GPT2Tokenizer defaults apply (<|endoftext|> as bos/eos/unk, no BOS added).
        Assert.IsInstanceOfType<OptTokenizer>(gpt2);
        Assert.AreEqual(50257, gpt2.VocabSize);
        Assert.AreEqual("<|endoftext|>", gpt2.BosToken);
        Assert.AreEqual(50256, gpt2.EosTokenId);
        Assert.IsNull(gpt2.PadToken);
        foreach (var c in ReferenceFixtures.Cases(Fixture))
        {
            string text = c["text"]!.GetValue<string>();
            CollectionAssert.AreEqual(ReferenceFixtures.Ints(c["ids"]), gpt2.Encode(text).ToList(), ReferenceFixtures.Quote(text));
        }
    }

    [TestMethod]
    public void OptTokenizerIsGpt2ShiftedByFourAfterBos()
    {
        Blip2Tokenizer opt = Blip2Tokenizer.FromPretrained(Path.Combine(TokenizerTestPaths.GoldenCase("tokenizer_opt"), "tokenizer"));
        foreach (var c in ReferenceFixtures.Cases(Fixture))
        {
            string text = c["text"]!.GetValue<string>();
            List<int> expected = [2, .. ReferenceFixtures.Ints(c["ids"]).Select(id => id + 4)];
            CollectionAssert.AreEqual(expected, opt.Encode(text).ToList(), ReferenceFixtures.Quote(text));
        }
    }

    [TestMethod]
    public void TruncationKeepsBosAndTheFirstTokens()
    {
        Blip2Tokenizer opt = Blip2Tokenizer.FromPretrained(Path.Combine(TokenizerTestPaths.GoldenCase("tokenizer_opt"), "tokenizer"));
        var longest = ReferenceFixtures.Cases(Fixture).MaxBy(c => c["ids"]!.AsArray().Count)!;
        List<int> ids = ReferenceFixtures.Ints(longest["ids"]);
        Assert.IsGreaterThan(16, ids.Count);

        TokenizedBatch batch = opt.EncodeBatch([longest["text"]!.GetValue<string>()], new TokenizerCallOptions { Truncation = true, MaxLength = 16 });

        CollectionAssert.AreEqual(new long[] { 2 }.Concat(ids.Take(15).Select(id => (long)id + 4)).ToArray(), batch.InputIds[0]);
        CollectionAssert.AreEqual(Enumerable.Repeat(1L, 16).ToArray(), batch.AttentionMask[0]);
    }

    [TestMethod]
    public void DecodingWithoutCleanUpRestoresEveryText()
    {
        // Byte-level BPE is lossless: skipping the BOS and not cleaning spaces must give the text back exactly.
        Blip2Tokenizer opt = Blip2Tokenizer.FromPretrained(Path.Combine(TokenizerTestPaths.GoldenCase("tokenizer_opt"), "tokenizer"));
        foreach (var c in ReferenceFixtures.Cases(Fixture))
        {
            string text = c["text"]!.GetValue<string>();
            Assert.AreEqual(text, opt.Decode(opt.Encode(text), skipSpecialTokens: true, cleanUpTokenizationSpaces: false));
        }
    }

    /// <summary>GPT-2's own vocab.json (ids 0..50256) from the OPT-style golden vocab (GPT-2 id + 4), plus its merges.</summary>
    private static TokenizerTestPaths.TemporaryFolder WriteGpt2Checkpoint()
    {
        string optDir = Path.Combine(TokenizerTestPaths.GoldenCase("tokenizer_opt"), "tokenizer");
        var optVocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(optDir, "vocab.json")))!;
        var gpt2Vocab = optVocab.Where(kv => kv.Value >= 4).ToDictionary(kv => kv.Key, kv => kv.Value - 4);
        var folder = TokenizerTestPaths.NewTemporaryFolder();
        File.WriteAllText(folder.File("vocab.json"), JsonSerializer.Serialize(gpt2Vocab));
        folder.CopyFrom(optDir, "merges.txt");
        return folder;
    }
}
