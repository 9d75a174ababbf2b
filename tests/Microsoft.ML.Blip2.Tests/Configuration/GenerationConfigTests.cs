using Microsoft.ML.Blip2.Configuration;

namespace Microsoft.ML.Blip2.Tests.Configuration;

[TestClass]
public sealed class GenerationConfigTests
{
    [TestMethod]
    public void GoldenOptGenerationConfigParsesWithHuggingFaceDefaults()
    {
        GenerationConfig config = GenerationConfig.FromDirectory(GoldenDirectory.File("opt", "model"));

        Assert.AreEqual(2, config.BosTokenId);
        Assert.AreEqual(77, config.EosTokenId);
        Assert.AreEqual(1, config.PadTokenId);
        Assert.IsNull(config.DecoderStartTokenId);
        Assert.IsTrue(config.FromModelConfig);
        Assert.AreEqual("4.45.0.dev0", config.TransformersVersion);
        Assert.AreEqual(20, config.MaxLength);
        Assert.IsNull(config.MaxNewTokens);
        Assert.AreEqual(0, config.MinLength);
        Assert.AreEqual(1, config.NumBeams);
        Assert.IsFalse(config.DoSample);
        Assert.AreEqual(1.0, config.Temperature);
        Assert.AreEqual(50, config.TopK);
        Assert.AreEqual(1.0, config.TopP);
        Assert.AreEqual(1.0, config.RepetitionPenalty);
        Assert.AreEqual(1.0, config.LengthPenalty);
        Assert.AreEqual(EarlyStoppingMode.Heuristic, config.EarlyStopping);
        Assert.AreEqual(1, config.NumReturnSequences);
        Assert.AreEqual(0, config.NoRepeatNgramSize);
    }

    [TestMethod]
    [DataRow("opt")]
    [DataRow("t5")]
    public void SparseFormReproducesTheSavedFile(string caseName)
    {
        string path = GoldenDirectory.File(caseName, "model", GenerationConfig.FileName);

        GenerationConfig config = GenerationConfig.FromFile(path);

        Assert.AreEqual(File.ReadAllText(path), config.ToJson(sparse: true));
    }

    [TestMethod]
    public void EveryKeyRoundTripsIncludingListEosAndExtras()
    {
        const string json = """
            {"eos_token_id": [5, 6], "max_new_tokens": 12, "min_new_tokens": 2, "num_beams": 3, "do_sample": true,
             "temperature": 0.7, "top_k": 5, "top_p": 0.9, "repetition_penalty": 1.3, "length_penalty": 0.5,
             "early_stopping": "never", "num_return_sequences": 2, "no_repeat_ngram_size": 3, "use_cache": false,
             "forced_eos_token_id": 9}
            """;

        GenerationConfig config = GenerationConfig.FromJson(json);

        CollectionAssert.AreEqual(new[] { 5, 6 }, config.EosTokenIds!.ToArray());
        Assert.AreEqual(EarlyStoppingMode.Never, config.EarlyStopping);
        Assert.AreEqual(12, config.MaxNewTokens);
        Assert.AreEqual(0.7, config.Temperature);
        Assert.AreEqual("false", config.ExtraProperties["use_cache"]!.ToJsonString());
        Assert.AreEqual(config, GenerationConfig.FromJson(config.ToJson(sparse: true)));
        Assert.AreEqual(config, GenerationConfig.FromJson(config.ToJson()));
        Assert.AreEqual("\"never\"", config.ToJsonNode(sparse: true)["early_stopping"]!.ToJsonString());
    }

    [TestMethod]
    public void InvalidValuesAreRejected()
    {
        var earlyStopping = Assert.ThrowsExactly<InvalidDataException>(() => GenerationConfig.FromJson("""{"early_stopping": "sometimes"}"""));
        StringAssert.Contains(earlyStopping.Message, "'early_stopping'");

        var maxNewTokens = Assert.ThrowsExactly<InvalidDataException>(() => GenerationConfig.FromJson("""{"max_new_tokens": 0}"""));
        StringAssert.Contains(maxNewTokens.Message, "'max_new_tokens'");
    }

    [TestMethod]
    public void SparseFormOfADefaultConfigIsEmpty()
    {
        Assert.AreEqual("{}\n", new GenerationConfig().ToJson(sparse: true));
    }
}
