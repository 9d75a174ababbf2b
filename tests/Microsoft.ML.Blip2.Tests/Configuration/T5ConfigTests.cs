using Microsoft.ML.Blip2.Configuration;

namespace Microsoft.ML.Blip2.Tests.Configuration;

/// <summary>Expected values follow T5Config.__init__ of transformers 4.45 (split feed_forward_proj on '-').</summary>
[TestClass]
public sealed class T5ConfigTests
{
    [TestMethod]
    [DataRow("relu", "relu", false)]
    [DataRow("gelu", "gelu", false)]
    [DataRow("gated-gelu", "gelu_new", true)]
    [DataRow("gated-silu", "silu", true)]
    [DataRow("gated-gelu_new", "gelu_new", true)]
    public void DenseActivationIsDerivedFromFeedForwardProj(string feedForwardProj, string denseActFn, bool isGated)
    {
        var config = (T5Config)TextConfig.FromJson($$"""{"model_type": "t5", "feed_forward_proj": "{{feedForwardProj}}"}""");

        Assert.AreEqual(denseActFn, config.DenseActFn);
        Assert.AreEqual(isGated, config.IsGatedAct);
        Assert.AreEqual(denseActFn, new T5Config { FeedForwardProj = feedForwardProj }.DenseActFn);
    }

    [TestMethod]
    [DataRow("gelu-gated")]
    [DataRow("gated-gelu-new")]
    public void InvalidFeedForwardProjIsRejectedWithHuggingFacesMessage(string feedForwardProj)
    {
        var error = Assert.ThrowsExactly<InvalidDataException>(
            () => TextConfig.FromJson($$"""{"model_type": "t5", "feed_forward_proj": "{{feedForwardProj}}"}"""));

        StringAssert.Contains(error.Message, "'feed_forward_proj'");
        StringAssert.Contains(error.Message, $"`feed_forward_proj`: {feedForwardProj} is not a valid activation function");
        Assert.ThrowsExactly<ArgumentException>(() => new T5Config { FeedForwardProj = feedForwardProj });
    }

    [TestMethod]
    public void StoredDenseActFnOverridesTheDerivedOne()
    {
        // HF applies extra kwargs after the derivation, so a stored value wins.
        var config = (T5Config)TextConfig.FromJson("""{"model_type": "t5", "feed_forward_proj": "gated-gelu", "dense_act_fn": "gelu"}""");

        Assert.AreEqual("gelu", config.DenseActFn);
        Assert.IsTrue(config.IsGatedAct);
    }

    [TestMethod]
    public void ChangingFeedForwardProjRederivesTheActivation()
    {
        var config = new T5Config() with { FeedForwardProj = "gated-silu" };

        Assert.AreEqual("silu", config.DenseActFn);
        Assert.IsTrue(config.IsGatedAct);
    }

    [TestMethod]
    public void NumDecoderLayersDefaultsToNumLayers()
    {
        var implicitDecoder = (T5Config)TextConfig.FromJson("""{"model_type": "t5", "num_layers": 4}""");
        var explicitDecoder = (T5Config)TextConfig.FromJson("""{"model_type": "t5", "num_layers": 4, "num_decoder_layers": 2}""");

        Assert.AreEqual(4, implicitDecoder.NumDecoderLayers);
        Assert.AreEqual(2, explicitDecoder.NumDecoderLayers);
        Assert.AreEqual(4, (int)implicitDecoder.ToJsonNode()["num_decoder_layers"]!);
        Assert.AreEqual(new T5Config { NumLayers = 4 }, implicitDecoder);
    }

    [TestMethod]
    public void T5DefaultsAreT5Small()
    {
        var config = (T5Config)TextConfig.FromJson("""{"model_type": "t5"}""");

        Assert.AreEqual(32128, config.VocabSize);
        Assert.AreEqual(512, config.DModel);
        Assert.AreEqual(512, config.HiddenSize);
        Assert.AreEqual(64, config.DKv);
        Assert.AreEqual(2048, config.DFf);
        Assert.AreEqual(8, config.NumHeads);
        Assert.AreEqual(32, config.RelativeAttentionNumBuckets);
        Assert.AreEqual(128, config.RelativeAttentionMaxDistance);
        Assert.AreEqual(1e-6, config.LayerNormEpsilon);
        Assert.AreEqual(0, config.PadTokenId);
        Assert.AreEqual(1, config.EosTokenId);
        Assert.IsNull(config.BosTokenId);
        Assert.IsTrue(config.IsEncoderDecoder);
        Assert.IsTrue(config.TieWordEmbeddings);
    }

    [TestMethod]
    public void HuggingFaceAttributeMapNamesReachTheT5Fields()
    {
        var config = (T5Config)TextConfig.FromJson("""{"model_type": "t5", "hidden_size": 24, "num_attention_heads": 3, "num_hidden_layers": 5}""");

        Assert.AreEqual(24, config.DModel);
        Assert.AreEqual(3, config.NumHeads);
        Assert.AreEqual(5, config.NumLayers);
        Assert.IsFalse(config.ToJsonNode().ContainsKey("hidden_size"));
    }
}
