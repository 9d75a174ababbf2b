using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing;

/// <summary>
/// SentencePiece encoding and decoding against Python sentencepiece 0.1.97 itself (Fixtures/sp_reference.model and
/// sp_reference.json, made by make_sentencepiece_reference.py with a model trained there).
/// </summary>
[TestClass]
public sealed class SentencePieceReferenceTests
{
    private const string Fixture = "sp_reference.json";

    [TestMethod]
    public void FixtureCoversEnoughTexts() => Assert.IsGreaterThanOrEqualTo(30, ReferenceFixtures.Cases(Fixture).Count());

    [TestMethod]
    public void T5TokenizerGivesSentencePiecePiecesAndIds()
    {
        using TokenizerTestPaths.TemporaryFolder folder = TokenizerTestPaths.NewTemporaryFolder();
        File.Copy(TokenizerTestPaths.Fixture("sp_reference.model"), folder.File("spiece.model"));
        Blip2Tokenizer t5 = Blip2Tokenizer.FromPretrained(folder.Path);

        Assert.IsInstanceOfType<T5Tokenizer>(t5);
        Assert.AreEqual(ReferenceFixtures.Read(Fixture)["piece_count"]!.GetValue<int>(), t5.VocabSize);
        foreach (var c in ReferenceFixtures.Cases(Fixture))
        {
            // legacy (the default) T5 tokenization of text without added tokens is plain sentencepiece encoding.
            string text = c["text"]!.GetValue<string>();
            string label = ReferenceFixtures.Quote(text);
            CollectionAssert.AreEqual(ReferenceFixtures.Strings(c["pieces"]), t5.Tokenize(text).ToList(), $"pieces {label}");
            CollectionAssert.AreEqual(ReferenceFixtures.Ints(c["ids"]), t5.Encode(text, addSpecialTokens: false).ToList(), $"ids {label}");
            CollectionAssert.AreEqual(ReferenceFixtures.Ints(c["ids"]).Append(1).ToList(), t5.Encode(text).ToList(), $"ids + </s> {label}");
        }
    }

    [TestMethod]
    public void EncoderWithoutDummyPrefixMatchesTheRewrittenModel()
    {
        // The generator switched add_dummy_prefix off with its own protobuf edit; ours must give what Python gave.
        SentencePieceModelProto model = SentencePieceModelProto.Load(TokenizerTestPaths.Fixture("sp_reference.model"));
        var encoder = new SentencePieceEncoder(model, addDummyPrefix: false);
        foreach (var c in ReferenceFixtures.Cases(Fixture))
        {
            string text = c["text"]!.GetValue<string>();
            CollectionAssert.AreEqual(ReferenceFixtures.Strings(c["pieces_no_dummy_prefix"]), encoder.EncodePieces(text),
                ReferenceFixtures.Quote(text));
        }
    }

    [TestMethod]
    public void DecoderMatchesSentencePieceDecode()
    {
        SentencePieceModelProto model = SentencePieceModelProto.Load(TokenizerTestPaths.Fixture("sp_reference.model"));
        var ids = Enumerable.Range(0, model.Pieces.Count).ToDictionary(i => model.Pieces[i].Piece, i => i);
        var withPrefix = new SentencePieceDecoder(model, ids, addDummyPrefix: true);
        var withoutPrefix = new SentencePieceDecoder(model, ids, addDummyPrefix: false);
        foreach (var d in ReferenceFixtures.Read(Fixture)["decode_pieces"]!.AsArray())
        {
            List<string> pieces = ReferenceFixtures.Strings(d!["pieces"]);
            string label = string.Join(" | ", pieces.Select(ReferenceFixtures.Quote));
            Assert.AreEqual(d["decode"]!.GetValue<string>(), withPrefix.DecodePieces(pieces), label);
            Assert.AreEqual(d["decode_no_dummy_prefix"]!.GetValue<string>(), withoutPrefix.DecodePieces(pieces), label);
        }

        foreach (var c in ReferenceFixtures.Cases(Fixture))
        {
            List<string> pieces = ReferenceFixtures.Ints(c["ids"]).Select(i => model.Pieces[i].Piece).ToList();
            Assert.AreEqual(c["decode_ids"]!.GetValue<string>(), withPrefix.DecodePieces(pieces), ReferenceFixtures.Quote(c["text"]!.GetValue<string>()));
        }
    }

    [TestMethod]
    public void RewriteChangesOnlyTheRequestedFields()
    {
        SentencePieceModelProto original = SentencePieceModelProto.Load(TokenizerTestPaths.Fixture("sp_reference.model"));
        Assert.AreEqual(-1, original.BosId, "the fixture is T5-style (no BOS)");
        Assert.IsTrue(original.AddDummyPrefix);

        SentencePieceModelProto rewritten = SentencePieceModelProto.Parse(original.Rewrite(bosId: 0, addDummyPrefix: false), "rewritten");

        Assert.AreEqual(0, rewritten.BosId);
        Assert.IsFalse(rewritten.AddDummyPrefix);
        Assert.AreEqual(original.EosId, rewritten.EosId);
        Assert.AreEqual(original.PadId, rewritten.PadId);
        Assert.AreEqual(original.UnkId, rewritten.UnkId);
        Assert.AreEqual(original.RemoveExtraWhitespaces, rewritten.RemoveExtraWhitespaces);
        CollectionAssert.AreEqual(original.Pieces.ToList(), rewritten.Pieces.ToList());
    }
}
