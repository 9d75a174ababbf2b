using System.Text.Json.Nodes;
using Microsoft.ML.Blip2.Processing;
using TorchSharp;

namespace Microsoft.ML.Blip2.Tests.Processing;

/// <summary>Padding, truncation and tensor output; expectations come from the golden rows and Hugging Face's rules.</summary>
[TestClass]
public sealed class TokenizerBatchTests
{
    private static Blip2Tokenizer Load(string caseName) =>
        Blip2Tokenizer.FromPretrained(Path.Combine(TokenizerTestPaths.GoldenCase(caseName), "tokenizer"));

    private static JsonObject Expected(string caseName) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TokenizerTestPaths.GoldenCase(caseName), "expected.json")))!.AsObject();

    [TestMethod]
    public void LeftPaddingMovesThePadsOfTheGoldenRowsToTheFront()
    {
        Blip2Tokenizer opt = Load("tokenizer_opt");
        JsonObject batch = Expected("tokenizer_opt")["batch_padded"]!.AsObject();
        List<string> texts = ReferenceFixtures.Strings(batch["texts"]);

        TokenizedBatch left = opt.EncodeBatch(texts, new TokenizerCallOptions { Padding = TokenizerPadding.Longest, PaddingSide = PaddingSide.Left });

        for (int r = 0; r < texts.Count; r++)
        {
            List<long> ids = ReferenceFixtures.Longs(batch["input_ids"]![r]);
            List<long> mask = ReferenceFixtures.Longs(batch["attention_mask"]![r]);
            int pads = mask.Count(m => m == 0);
            CollectionAssert.AreEqual(ids.Skip(ids.Count - pads).Concat(ids.Take(ids.Count - pads)).ToList(), left.InputIds[r], $"row {r}");
            CollectionAssert.AreEqual(mask.Skip(mask.Count - pads).Concat(mask.Take(mask.Count - pads)).ToList(), left.AttentionMask[r], $"row {r}");
        }
    }

    [TestMethod]
    public void PaddingSidePropertyIsTheDefaultForCalls()
    {
        Blip2Tokenizer opt = Load("tokenizer_opt");
        opt.PaddingSide = PaddingSide.Left;
        TokenizedBatch batch = opt.EncodeBatch(["a photo of a cat", ""], new TokenizerCallOptions { Padding = TokenizerPadding.Longest });
        CollectionAssert.AreEqual(new long[] { 1, 1, 1, 1, 1, 2 }, batch.InputIds[1]);
        CollectionAssert.AreEqual(new long[] { 0, 0, 0, 0, 0, 1 }, batch.AttentionMask[1]);
    }

    [TestMethod]
    public void MaxLengthAloneTruncatesLikeTruncationTrue()
    {
        // transformers: max_length without padding and without an explicit truncation argument activates truncation.
        Blip2Tokenizer opt = Load("tokenizer_opt");
        JsonObject truncated = Expected("tokenizer_opt")["truncated"]!.AsObject();
        TokenizedBatch batch = opt.EncodeBatch([truncated["text"]!.GetValue<string>()], new TokenizerCallOptions { MaxLength = 32 });
        CollectionAssert.AreEqual(ReferenceFixtures.Longs(truncated["input_ids"]), batch.InputIds[0]);
    }

    [TestMethod]
    public void TruncationFalseKeepsTheWholeSequence()
    {
        Blip2Tokenizer opt = Load("tokenizer_opt");
        JsonObject full = Expected("tokenizer_opt")["long_untruncated"]!.AsObject();
        TokenizedBatch batch = opt.EncodeBatch([full["text"]!.GetValue<string>()], new TokenizerCallOptions { MaxLength = 32, Truncation = false });
        CollectionAssert.AreEqual(ReferenceFixtures.Longs(full["input_ids"]), batch.InputIds[0]);
    }

    [TestMethod]
    public void MaxLengthPaddingWithoutAModelLimitDoesNotPad()
    {
        // OPT's model_max_length is "no limit"; transformers then warns and does not pad.
        Blip2Tokenizer opt = Load("tokenizer_opt");
        TokenizedBatch batch = opt.EncodeBatch(["a photo of a cat", ""], new TokenizerCallOptions { Padding = TokenizerPadding.MaxLength });
        Assert.AreEqual(6, batch.InputIds[0].Length);
        Assert.AreEqual(1, batch.InputIds[1].Length);
        Assert.IsFalse(batch.IsRectangular);
    }

    [TestMethod]
    public void MaxLengthPaddingUsesTheModelLimitWhenThereIsOne()
    {
        Blip2Tokenizer bert = Load("tokenizer_bert");
        TokenizedBatch batch = bert.EncodeBatch(["a photo of a cat"], new TokenizerCallOptions { Padding = TokenizerPadding.MaxLength });
        Assert.AreEqual(512, batch.InputIds[0].Length, "model_max_length of the checkpoint");
        Assert.AreEqual(7, batch.AttentionMask[0].Sum());
    }

    [TestMethod]
    public void PadToMultipleOfRoundsTheLongestRowUp()
    {
        Blip2Tokenizer opt = Load("tokenizer_opt");
        JsonObject padded = Expected("tokenizer_opt")["batch_padded"]!.AsObject();
        List<string> texts = ReferenceFixtures.Strings(padded["texts"]);
        int longest = padded["input_ids"]![0]!.AsArray().Count;

        TokenizedBatch batch = opt.EncodeBatch(texts, new TokenizerCallOptions { Padding = TokenizerPadding.Longest, PadToMultipleOf = 8 });

        int expectedLength = (longest + 7) / 8 * 8;
        Assert.IsTrue(batch.InputIds.All(row => row.Length == expectedLength));
        CollectionAssert.AreEqual(
            ReferenceFixtures.Longs(padded["input_ids"]![0]).Concat(Enumerable.Repeat(1L, expectedLength - longest)).ToList(),
            batch.InputIds[0]);
    }

    [TestMethod]
    public void PaddingWithoutAPadTokenThrows()
    {
        using var folder = TokenizerTestPaths.NewTemporaryFolder();
        folder.CopyFrom(Path.Combine(TokenizerTestPaths.GoldenCase("tokenizer_opt"), "tokenizer"), "vocab.json", "merges.txt");
        Blip2Tokenizer noPad = Blip2Tokenizer.FromPretrained(folder.Path);
        Assert.IsNull(noPad.PadToken);
        Assert.ThrowsExactly<InvalidOperationException>(() =>
            noPad.EncodeBatch(["a", "a b"], new TokenizerCallOptions { Padding = TokenizerPadding.Longest }));
    }

    [TestMethod]
    public void PairTruncationEvensOutTheLongerSequenceFirst()
    {
        // Golden pair: [CLS] a photo of a cat [SEP] what is it ? [SEP] (5 + 4 tokens). max_length 10 removes 2:
        // one from the longer first sequence to even them out, then one more from the pair (it takes the odd one).
        Blip2Tokenizer bert = Load("tokenizer_bert");
        JsonObject pair = Expected("tokenizer_bert")["pair"]!.AsObject();
        List<long> full = ReferenceFixtures.Longs(pair["input_ids"]);
        Assert.AreEqual(12, full.Count);

        TokenizedBatch batch = bert.EncodeBatch([pair["text"]!.GetValue<string>()], [pair["text_pair"]!.GetValue<string>()],
            new TokenizerCallOptions { Truncation = true, MaxLength = 10 });

        long[] expected = [.. full.Take(5), full[6], .. full.Skip(7).Take(3), full[11]];
        CollectionAssert.AreEqual(expected, batch.InputIds[0]);
        CollectionAssert.AreEqual(new long[] { 0, 0, 0, 0, 0, 0, 1, 1, 1, 1 }, batch.TokenTypeIds![0]);
    }

    [TestMethod]
    public void MaxLengthShorterThanTheSpecialTokensThrows()
    {
        Blip2Tokenizer bert = Load("tokenizer_bert");
        Assert.ThrowsExactly<ArgumentException>(() =>
            bert.EncodeBatch(["a photo"], new TokenizerCallOptions { Truncation = true, MaxLength = 2 }));
    }

    [TestMethod]
    public void WithoutSpecialTokensNothingIsAdded()
    {
        Blip2Tokenizer opt = Load("tokenizer_opt");
        TokenizedBatch batch = opt.EncodeBatch(["<image><image>"], new TokenizerCallOptions { AddSpecialTokens = false });
        CollectionAssert.AreEqual(new long[] { 50261, 50261 }, batch.InputIds[0]);
        Assert.IsNull(batch.TokenTypeIds);
    }

    [TestMethod]
    public void ToTensorsGivesInt64RowsOfTheBatch()
    {
        Blip2Tokenizer bert = Load("tokenizer_bert");
        JsonObject padded = Expected("tokenizer_bert")["batch_padded"]!.AsObject();
        TokenizedBatch batch = bert.EncodeBatch(ReferenceFixtures.Strings(padded["texts"]), new TokenizerCallOptions { Padding = TokenizerPadding.Longest });

        using TokenizedTensors tensors = batch.ToTensors();

        int rows = padded["input_ids"]!.AsArray().Count;
        int width = padded["input_ids"]![0]!.AsArray().Count;
        CollectionAssert.AreEqual(new long[] { rows, width }, tensors.InputIds.shape);
        Assert.AreEqual(torch.int64, tensors.InputIds.dtype);
        Assert.AreEqual(torch.int64, tensors.AttentionMask.dtype);
        CollectionAssert.AreEqual(
            padded["input_ids"]!.AsArray().SelectMany(r => ReferenceFixtures.Longs(r)).ToArray(),
            tensors.InputIds.data<long>().ToArray());
        CollectionAssert.AreEqual(
            padded["attention_mask"]!.AsArray().SelectMany(r => ReferenceFixtures.Longs(r)).ToArray(),
            tensors.AttentionMask.data<long>().ToArray());
        Assert.IsNotNull(tensors.TokenTypeIds);
        Assert.AreEqual(0L, tensors.TokenTypeIds.sum().item<long>());
    }

    [TestMethod]
    public void ToTensorsRejectsARaggedBatch()
    {
        Blip2Tokenizer opt = Load("tokenizer_opt");
        TokenizedBatch ragged = opt.EncodeBatch(["a photo of a cat", ""]);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => ragged.ToTensors());
        StringAssert.Contains(error.Message, "6, 1");
    }

    [TestMethod]
    public void BatchDecodeOfATensorMatchesTheGoldenStrings()
    {
        Blip2Tokenizer opt = Load("tokenizer_opt");
        JsonObject padded = Expected("tokenizer_opt")["batch_padded"]!.AsObject();
        long[][] rows = padded["input_ids"]!.AsArray().Select(r => ReferenceFixtures.Longs(r).ToArray()).ToArray();
        using torch.Tensor tensor = torch.tensor(rows.SelectMany(r => r).ToArray(), new long[] { rows.Length, rows[0].Length });

        CollectionAssert.AreEqual(ReferenceFixtures.Strings(padded["batch_decode"]), opt.BatchDecode(tensor).ToList());
        CollectionAssert.AreEqual(ReferenceFixtures.Strings(padded["batch_decode_skip_special"]), opt.BatchDecode(rows, skipSpecialTokens: true).ToList());
        Assert.IsFalse(tensor.IsInvalid, "the caller's tensor stays usable");
    }

    [TestMethod]
    public void AddedSpecialTokenGetsTheNextIdAndIsNeverSplit()
    {
        Blip2Tokenizer bert = Load("tokenizer_bert");
        int before = bert.Count;

        int added = bert.AddTokens([new AddedToken("<image>") { Special = true }], specialTokens: true);

        Assert.AreEqual(1, added);
        Assert.AreEqual(before, bert.ConvertTokenToId("<image>"), "new ids start at len(tokenizer)");
        Assert.AreEqual(before + 1, bert.Count);
        CollectionAssert.AreEqual(new[] { "a", "<image>", "b" }, bert.Tokenize("a <image> b").ToList());
        CollectionAssert.Contains(bert.AllSpecialIds.ToList(), before);
        Assert.AreEqual("a b", bert.Decode(bert.Encode("a <image> b"), skipSpecialTokens: true));
        Assert.AreEqual(0, bert.AddTokens(["<image>"]), "already added");
    }

    [TestMethod]
    public void AddingAnExistingVocabularyTokenKeepsItsId()
    {
        Blip2Tokenizer opt = Load("tokenizer_opt");
        Assert.AreEqual(0, opt.AddSpecialTokens([new AddedToken("<image>")]));
        Assert.AreEqual(0, opt.AddTokens(["<s>"]), "'<s>' is in vocab.json (id 0)");
        Assert.AreEqual(0, opt.ConvertTokenToId("<s>"));
        CollectionAssert.AreEqual(new[] { 2, 0, 1 }, opt.Encode("<s><pad>").ToList(), "now split out as a token");
    }

    [TestMethod]
    public void NonSpecialAddedTokensAreLowerCasedForUncasedBert()
    {
        // transformers lower-cases normalized, non-special added tokens when do_lower_case is set.
        Blip2Tokenizer bert = Load("tokenizer_bert");
        Assert.AreEqual(1, bert.AddTokens(["NewWordX"]));
        CollectionAssert.AreEqual(new[] { "a", "newwordx" }, bert.Tokenize("a NewWordX").ToList());
    }

    [TestMethod]
    public void LongIdsAreDecodedLikeInts()
    {
        Blip2Tokenizer t5 = Load("tokenizer_t5");
        int[] ids = [355, 126, 170, 17, 162, 5, 353, 126, 1];
        Assert.AreEqual(t5.Decode(ids), t5.Decode(ids.Select(i => (long)i)));
        Assert.AreEqual("Question: what is this? Answer:</s>", t5.Decode(ids));
    }
}
