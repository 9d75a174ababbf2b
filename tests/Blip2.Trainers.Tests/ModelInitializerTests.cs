using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Modeling.Initialization;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Blip2.Trainers.Tests;

/// <summary>
/// Seeded random initialisation: deterministic, and the per-parameter statistics Hugging Face's <c>_init_weights</c>
/// prescribe (checked on tensors large enough for the sample standard deviation to be within a few percent).
/// </summary>
[TestClass]
public sealed class ModelInitializerTests
{
    [TestMethod]
    public void SameSeedSameWeightsOtherSeedOtherWeights()
    {
        using var a = TinyBlip2.CreateOpt(seed: 1);
        using var b = TinyBlip2.CreateOpt(seed: 1);
        using var c = TinyBlip2.CreateOpt(seed: 2);
        ModelSnapshot.AssertIdentical(ModelSnapshot.Take(a), ModelSnapshot.Take(b), "same seed");
        var first = ModelSnapshot.Take(a);
        var other = ModelSnapshot.Take(c);
        Assert.IsFalse(first["qformer.encoder.layer.0.attention.attention.query.weight"].SequenceEqual(other["qformer.encoder.layer.0.attention.attention.query.weight"]));
    }

    [TestMethod]
    public void Blip2AndOptParametersFollowTheirRules()
    {
        var config = Blip2Config.FromVisionQFormerTextConfigs(
            new Blip2VisionConfig { HiddenSize = 64, IntermediateSize = 256, NumHiddenLayers = 1, NumAttentionHeads = 4, ImageSize = 32, PatchSize = 4, InitializerRange = 0.5 },
            new Blip2QFormerConfig { HiddenSize = 64, IntermediateSize = 256, NumHiddenLayers = 1, NumAttentionHeads = 4, InitializerRange = 0.03 },
            new OptConfig { VocabSize = 500, HiddenSize = 64, FfnDim = 256, NumHiddenLayers = 1, NumAttentionHeads = 4, MaxPositionEmbeddings = 32, InitStd = 0.05, PadTokenId = 1 },
            numQueryTokens: 200);
        using var model = ModelInitializer.CreateConditionalGeneration(config, seed: 5);
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        AssertStd(0.02, p["qformer.encoder.layer.0.intermediate_query.dense.weight"], "Q-Former linear (initializer_range 0.02)");
        AssertStd(0.02, p["vision_model.encoder.layers.0.mlp.fc1.weight"], "vision linear");
        AssertStd(0.02, p["language_projection.weight"], "projection");
        AssertStd(0.03, p["query_tokens"], "query tokens (Q-Former initializer_range, LAVIS)");
        AssertStd(0.5, p["vision_model.embeddings.position_embedding"], "vision positions (vision initializer_range)");
        Assert.IsTrue(p["vision_model.embeddings.position_embedding"].abs().max().item<float>() <= 2, "truncated at ±2");
        AssertConstant(0, p["qformer.encoder.layer.0.intermediate_query.dense.bias"]);
        AssertConstant(1, p["qformer.layernorm.weight"]);
        AssertConstant(0, p["vision_model.post_layernorm.bias"]);
        AssertStd(0.05, p["language_model.model.decoder.layers.0.fc1.weight"], "OPT linear (init_std)");
        AssertConstant(0, p["language_model.model.decoder.layers.0.fc1.bias"]);
        AssertConstant(1, p["language_model.model.decoder.final_layer_norm.weight"]);
        var embeddings = p["language_model.model.decoder.embed_tokens.weight"];
        AssertStd(0.05, embeddings, "OPT embeddings");
        AssertConstant(0, embeddings[1]); // padding row
        var head = ((Linear)model.named_modules().Single(m => m.name == "language_model.lm_head").module).Weight;
        Assert.AreSame(embeddings, head, "lm_head is tied to the token embeddings");
    }

    [TestMethod]
    public void T5ParametersFollowTheMeshTensorFlowScaling()
    {
        var t5 = new T5Config { VocabSize = 300, DModel = 64, DKv = 16, DFf = 256, NumLayers = 1, NumHeads = 4, FeedForwardProj = "gated-gelu", TieWordEmbeddings = false, InitializerFactor = 2 };
        var config = Blip2Config.FromVisionQFormerTextConfigs(
            new Blip2VisionConfig { HiddenSize = 16, IntermediateSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2, ImageSize = 8, PatchSize = 4 },
            new Blip2QFormerConfig { HiddenSize = 16, IntermediateSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2 }, t5, numQueryTokens: 2);
        using var model = ModelInitializer.CreateConditionalGeneration(config, seed: 6);
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        const string attention = "language_model.encoder.block.0.layer.0.SelfAttention.";
        AssertStd(2 / Math.Sqrt(64 * 16), p[attention + "q.weight"], "q");
        AssertStd(2 / Math.Sqrt(64), p[attention + "k.weight"], "k");
        AssertStd(2 / Math.Sqrt(64), p[attention + "o.weight"], "o (heads·d_kv = 64)");
        AssertStd(2 / Math.Sqrt(64), p[attention + "relative_attention_bias.weight"], "relative bias", tolerance: 0.15);
        AssertStd(2 / Math.Sqrt(64), p["language_model.encoder.block.0.layer.1.DenseReluDense.wi_0.weight"], "wi_0");
        AssertStd(2 / Math.Sqrt(256), p["language_model.encoder.block.0.layer.1.DenseReluDense.wo.weight"], "wo");
        AssertStd(2, p["language_model.shared.weight"], "shared");
        AssertStd(2, p["language_model.lm_head.weight"], "untied lm_head");
        AssertConstant(2, p["language_model.encoder.final_layer_norm.weight"]);
    }

    private static void AssertStd(double expected, Tensor t, string what, double tolerance = 0.05)
    {
        double std = t.std().item<float>(), mean = t.mean().item<float>();
        Assert.AreEqual(expected, std, expected * tolerance, $"{what}: std");
        Assert.AreEqual(0, mean, expected * 4 / Math.Sqrt(t.numel()), $"{what}: mean");
    }

    private static void AssertConstant(float value, Tensor t) =>
        Assert.IsTrue(t.eq(value).all().item<bool>(), $"expected every element to be {value}");
}
