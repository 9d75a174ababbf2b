using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing;

/// <summary>Choosing and loading tokenizers from checkpoint directories; settings and failures.</summary>
[TestClass]
public sealed class TokenizerLoadingTests
{
    private static string GoldenTokenizer(string caseName) => Path.Combine(TokenizerTestPaths.GoldenCase(caseName), "tokenizer");

    [TestMethod]
    public void FromPretrainedPicksTheClassNamedInTheConfig()
    {
        Assert.IsInstanceOfType<OptTokenizer>(Blip2Tokenizer.FromPretrained(GoldenTokenizer("tokenizer_opt")));
        Assert.IsInstanceOfType<T5Tokenizer>(Blip2Tokenizer.FromPretrained(GoldenTokenizer("tokenizer_t5")));
        Assert.IsInstanceOfType<Blip2BertTokenizer>(Blip2Tokenizer.FromPretrained(GoldenTokenizer("tokenizer_bert")));
        Assert.IsInstanceOfType<OptTokenizer>(Blip2Tokenizer.FromPretrained(Path.Combine(TokenizerTestPaths.GoldenCase("processor_opt"), "processor")));
    }

    [TestMethod]
    public void OptSettingsComeFromTheCheckpoint()
    {
        var opt = (OptTokenizer)Blip2Tokenizer.FromPretrained(GoldenTokenizer("tokenizer_opt"));

        // tokenizer_config.json of the case and the README's vocab construction (50257 GPT-2 entries + 4 specials).
        Assert.IsTrue(opt.AddBosToken);
        Assert.IsFalse(opt.AddPrefixSpace);
        Assert.AreEqual("replace", opt.Errors);
        Assert.AreEqual(PaddingSide.Right, opt.PaddingSide);
        Assert.AreEqual(long.MaxValue, opt.ModelMaxLength, "model_max_length 1e30 means no limit");
        Assert.AreEqual(("</s>", 2), (opt.BosToken, opt.BosTokenId));
        Assert.AreEqual(("</s>", 2), (opt.EosToken, opt.EosTokenId));
        Assert.AreEqual(("<pad>", 1), (opt.PadToken, opt.PadTokenId));
        Assert.AreEqual(("<unk>", 3), (opt.UnkToken, opt.UnkTokenId));
        CollectionAssert.AreEqual(new[] { "<image>" }, opt.AdditionalSpecialTokens.ToList());
        Assert.AreEqual(50261, opt.ConvertTokenToId("<image>"));
        Assert.AreEqual(50261, opt.VocabSize);
        Assert.AreEqual(50262, opt.Count);
        CollectionAssert.AreEquivalent(new[] { 1, 2, 3, 50261 }, opt.AllSpecialIds.ToList());
    }

    [TestMethod]
    public void T5SettingsComeFromTheCheckpoint()
    {
        var t5 = (T5Tokenizer)Blip2Tokenizer.FromPretrained(GoldenTokenizer("tokenizer_t5"));

        // case.json special_ids: pad 0, eos 1, unk 2, no BOS, <extra_id_i> = 1099 - i.
        Assert.IsTrue(t5.Legacy);
        Assert.AreEqual(100, t5.ExtraIds);
        Assert.IsNull(t5.BosToken);
        Assert.AreEqual((0, 1, 2), (t5.PadTokenId, t5.EosTokenId, t5.UnkTokenId));
        Assert.AreEqual(1099, t5.ConvertTokenToId("<extra_id_0>"));
        Assert.AreEqual(1000, t5.ConvertTokenToId("<extra_id_99>"));
        Assert.AreEqual(1000, t5.VocabSize);
        Assert.AreEqual(1100, t5.Count);
        Assert.AreEqual(512L, t5.ModelMaxLength);
        Assert.AreEqual(100, t5.AdditionalSpecialTokens.Count);
    }

    [TestMethod]
    public void T5WithoutConfigUsesTheClassDefaults()
    {
        using var folder = TokenizerTestPaths.NewTemporaryFolder();
        folder.CopyFrom(GoldenTokenizer("tokenizer_t5"), "spiece.model");

        var t5 = (T5Tokenizer)Blip2Tokenizer.FromPretrained(folder.Path);

        Assert.IsTrue(t5.Legacy, "transformers 4.45 defaults legacy to True");
        Assert.AreEqual(1099, t5.ConvertTokenToId("<extra_id_0>"));
        Assert.AreEqual(long.MaxValue, t5.ModelMaxLength);
        CollectionAssert.AreEqual(new[] { 1099, 7, 1098, 461, 408, 1 }, t5.Encode("<extra_id_0> the <extra_id_1> sat").ToList(),
            "same ids as the golden legacy_true record");
    }

    [TestMethod]
    public void BertSettingsComeFromTheCheckpoint()
    {
        var bert = (Blip2BertTokenizer)Blip2Tokenizer.FromPretrained(GoldenTokenizer("tokenizer_bert"));

        Assert.IsTrue(bert.DoLowerCase);
        Assert.IsNull(bert.StripAccents);
        Assert.AreEqual((101, 102, 0, 100, 103), (bert.ClsTokenId, bert.SepTokenId, bert.PadTokenId, bert.UnkTokenId, bert.MaskTokenId));
        Assert.AreEqual(30522, bert.VocabSize);
        Assert.AreEqual(512L, bert.ModelMaxLength);
    }

    [TestMethod]
    [DataRow("tokenizer_opt", "merges.txt")]
    [DataRow("tokenizer_t5", "spiece.model")]
    [DataRow("tokenizer_bert", "vocab.txt")]
    public void MissingModelFileIsNamedWithItsDirectory(string caseName, string fileName)
    {
        using var folder = TokenizerTestPaths.NewTemporaryFolder();
        folder.CopyFrom(GoldenTokenizer(caseName));
        File.Delete(folder.File(fileName));

        var error = Assert.ThrowsExactly<FileNotFoundException>(() => Blip2Tokenizer.FromPretrained(folder.Path));

        StringAssert.Contains(error.Message, fileName);
        StringAssert.Contains(error.Message, folder.Path);
        Assert.AreEqual(folder.File(fileName), error.FileName);
    }

    [TestMethod]
    public void MissingBpeVocabularyNamesTheAlternatives()
    {
        using var folder = TokenizerTestPaths.NewTemporaryFolder();
        folder.CopyFrom(GoldenTokenizer("tokenizer_opt"), "tokenizer_config.json", "merges.txt");

        var error = Assert.ThrowsExactly<FileNotFoundException>(() => Blip2Tokenizer.FromPretrained(folder.Path));

        StringAssert.Contains(error.Message, "vocab.json");
        StringAssert.Contains(error.Message, "tokenizer.json");
        StringAssert.Contains(error.Message, folder.Path);
    }

    [TestMethod]
    public void DirectoryWithoutTokenizerFilesIsReported()
    {
        using var folder = TokenizerTestPaths.NewTemporaryFolder();
        var error = Assert.ThrowsExactly<FileNotFoundException>(() => Blip2Tokenizer.FromPretrained(folder.Path));
        StringAssert.Contains(error.Message, folder.Path);
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => Blip2Tokenizer.FromPretrained(folder.File("absent")));
    }

    [TestMethod]
    public void UnsupportedTokenizerClassIsNamed()
    {
        using var folder = TokenizerTestPaths.NewTemporaryFolder();
        File.WriteAllText(folder.File("tokenizer_config.json"), """{"tokenizer_class": "LlamaTokenizer"}""");
        var error = Assert.ThrowsExactly<NotSupportedException>(() => Blip2Tokenizer.FromPretrained(folder.Path));
        StringAssert.Contains(error.Message, "LlamaTokenizer");
    }

    [TestMethod]
    [DataRow(false, DisplayName = "merges as \"a b\" strings")]
    [DataRow(true, DisplayName = "merges as [a, b] pairs")]
    public void TokenizerJsonGivesTheGoldenIds(bool mergesAsPairs)
    {
        using var folder = TokenizerTestPaths.NewTemporaryFolder();
        folder.CopyFrom(GoldenTokenizer("tokenizer_opt"), "tokenizer_config.json");
        WriteTokenizerJson(folder, mergesAsPairs);

        AssertGoldenSingleRecords(Blip2Tokenizer.FromPretrained(folder.Path));
    }

    [TestMethod]
    public void TokenizerJsonAddedTokensApplyWhenTheConfigHasNone()
    {
        // Older checkpoints: no added_tokens_decoder in tokenizer_config.json; the added tokens come from tokenizer.json.
        using var folder = TokenizerTestPaths.NewTemporaryFolder();
        JsonObject config = JsonNode.Parse(File.ReadAllText(Path.Combine(GoldenTokenizer("tokenizer_opt"), "tokenizer_config.json")))!.AsObject();
        JsonObject decoder = config["added_tokens_decoder"]!.AsObject();
        config.Remove("added_tokens_decoder");
        File.WriteAllText(folder.File("tokenizer_config.json"), config.ToJsonString());
        WriteTokenizerJson(folder, mergesAsPairs: false, addedTokens: decoder);

        Blip2Tokenizer opt = Blip2Tokenizer.FromPretrained(folder.Path);

        Assert.AreEqual(50261, opt.ConvertTokenToId("<image>"));
        AssertGoldenSingleRecords(opt);
    }

    private static void AssertGoldenSingleRecords(Blip2Tokenizer tokenizer)
    {
        JsonObject expected = JsonNode.Parse(File.ReadAllText(Path.Combine(TokenizerTestPaths.GoldenCase("tokenizer_opt"), "expected.json")))!.AsObject();
        foreach (JsonNode? record in expected["single"]!.AsArray())
        {
            string text = record!["text"]!.GetValue<string>();
            List<int> ids = ReferenceFixtures.Ints(record["input_ids"]);
            CollectionAssert.AreEqual(ids, tokenizer.Encode(text).ToList(), ReferenceFixtures.Quote(text));
            Assert.AreEqual(record["decode_skip_special"]!.GetValue<string>(), tokenizer.Decode(ids, skipSpecialTokens: true));
        }
    }

    private static void WriteTokenizerJson(TokenizerTestPaths.TemporaryFolder folder, bool mergesAsPairs, JsonObject? addedTokens = null)
    {
        string dir = GoldenTokenizer("tokenizer_opt");
        JsonNode vocab = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "vocab.json")))!;
        var merges = new JsonArray();
        foreach (string line in File.ReadAllLines(Path.Combine(dir, "merges.txt")).Skip(1).Where(l => l.Length > 0))
        {
            string[] pair = line.Split(' ');
            merges.Add(mergesAsPairs ? new JsonArray(pair[0], pair[1]) : JsonValue.Create(line));
        }

        var added = new JsonArray();
        foreach ((string id, JsonNode? token) in addedTokens ?? [])
        {
            JsonObject entry = token!.DeepClone().AsObject();
            entry["id"] = int.Parse(id);
            added.Add(entry);
        }

        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab.DeepClone(), ["merges"] = merges },
        };
        File.WriteAllText(folder.File("tokenizer.json"), root.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }
}
