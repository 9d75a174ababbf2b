using Microsoft.ML.Blip2.IO;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Modeling.QFormer;
using Microsoft.ML.Blip2.Modeling.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Tests.Modeling;

/// <summary>
/// The Q-Former's causal text mode (LAVIS decoder / UniLM mask) on the golden retrieval checkpoint: queries see only the
/// queries, text sees the queries and earlier text, padding is excluded; bidirectional mode is the control that shows
/// each check can fail.
/// </summary>
[TestClass]
public sealed class QFormerCausalTextAttentionTests
{
    private static Blip2ForImageTextRetrieval model = null!;
    private static Blip2QFormerModel qformer = null!;
    private static QFormerTextEmbeddings embeddings = null!;
    private static Tensor queries = null!, image = null!, imageMask = null!, ids = null!, mask = null!;
    private static long queryCount;

    [ClassInitialize]
    public static void Load(TestContext context)
    {
        string directory = Path.Combine(TestPaths.GoldenDirectory, "itm");
        model = Blip2ForImageTextRetrieval.FromPretrained(Path.Combine(directory, "model"));
        qformer = Child<Blip2QFormerModel>("qformer");
        embeddings = Child<QFormerTextEmbeddings>("embeddings");
        using var inputs = SafetensorsFile.Open(Path.Combine(directory, "inputs.safetensors"));
        using var pixels = inputs.LoadTensorCopy("pixel_values");
        ids = inputs.LoadTensorCopy("itm_input_ids");
        mask = inputs.LoadTensorCopy("itm_attention_mask");
        image = Child<Blip2VisionModel>("vision_model").Forward(pixels).LastHiddenState.DetachFromDisposeScope();
        imageMask = ones(image.shape[0], image.shape[1], dtype: ScalarType.Int64);
        var tokens = model.named_parameters().Single(p => p.name == "query_tokens").parameter;
        queryCount = tokens.shape[1];
        queries = tokens.detach().expand(ids.shape[0], -1, -1).contiguous();
    }

    [ClassCleanup]
    public static void Dispose()
    {
        foreach (var t in new[] { queries, image, imageMask, ids, mask }) t?.Dispose();
        model?.Dispose();
    }

    [TestMethod]
    public void QueryOutputsEqualAQueryOnlyPass()
    {
        using var scope = NewDisposeScope();
        var causal = Run(ids, mask, QFormerTextAttention.Causal).narrow(1, 0, queryCount);
        var queryOnly = qformer.Forward(queries, encoderHiddenStates: image, encoderAttentionMask: imageMask).LastHiddenState;
        Assert.IsLessThan(1e-5, MaxDifference(causal, queryOnly), "causal query outputs vs query-only pass");
        var bidirectional = Run(ids, mask, QFormerTextAttention.Bidirectional).narrow(1, 0, queryCount);
        Assert.IsGreaterThan(1e-3, MaxDifference(bidirectional, queryOnly), "control: bidirectional queries see the text");
    }

    [TestMethod]
    public void TextPositionsDoNotSeeLaterTokens()
    {
        using var scope = NewDisposeScope();
        const long changedFrom = 3;
        var changed = ids.clone();
        changed.narrow(1, changedFrom, ids.shape[1] - changedFrom).add_(1).remainder_(model.Config.QFormerConfig.VocabSize);
        var before = Run(ids, mask, QFormerTextAttention.Causal);
        var after = Run(changed, mask, QFormerTextAttention.Causal);
        long unchanged = queryCount + changedFrom;
        Assert.IsLessThan(1e-5, MaxDifference(before.narrow(1, 0, unchanged), after.narrow(1, 0, unchanged)), "queries and text before the change");
        Assert.IsGreaterThan(1e-3, MaxDifference(before.narrow(1, unchanged, 1), after.narrow(1, unchanged, 1)), "the first changed position");

        var bidirectionalBefore = Run(ids, mask, QFormerTextAttention.Bidirectional);
        var bidirectionalAfter = Run(changed, mask, QFormerTextAttention.Bidirectional);
        Assert.IsGreaterThan(1e-3, MaxDifference(bidirectionalBefore.narrow(1, queryCount, changedFrom), bidirectionalAfter.narrow(1, queryCount, changedFrom)),
            "control: bidirectional text sees later tokens");
    }

    [TestMethod]
    public void PaddingAndMaskedPositionsAreInvisible()
    {
        using var scope = NewDisposeScope();
        // Row 1 has 4 real tokens and 3 padding positions: its outputs equal those of the unpadded 4-token text.
        long real = mask[1].sum().item<long>();
        Assert.IsLessThan(ids.shape[1], real, "the golden input must contain padding");
        var padded = Run(ids, mask, QFormerTextAttention.Causal)[1].narrow(0, 0, queryCount + real);
        var rowIds = ids[1].narrow(0, 0, real).unsqueeze(0);
        var rowMask = ones(1, real, dtype: ScalarType.Int64);
        var alone = Run(rowIds, rowMask, QFormerTextAttention.Causal, row: 1)[0];
        Assert.IsLessThan(1e-5, MaxDifference(padded, alone), "padded vs unpadded row");


        // A masked position in the middle: changing its token changes no other output (control: unmasked, it does).
        var holed = mask.clone();
        holed[0, 1] = 0;
        var changed = ids.clone();
        changed[0, 1] = (ids[0, 1] + 1).remainder(model.Config.QFormerConfig.VocabSize);
        var others = cat([arange(queryCount + 1), arange(queryCount + 2, queryCount + ids.shape[1])]);
        var withHole = Run(ids, holed, QFormerTextAttention.Causal)[0].index_select(0, others);
        var withHoleChanged = Run(changed, holed, QFormerTextAttention.Causal)[0].index_select(0, others);
        Assert.IsLessThan(1e-5, MaxDifference(withHole, withHoleChanged), "a masked token is seen by nobody");
        var open = Run(ids, mask, QFormerTextAttention.Causal)[0].index_select(0, others);
        var openChanged = Run(changed, mask, QFormerTextAttention.Causal)[0].index_select(0, others);
        Assert.IsGreaterThan(1e-3, MaxDifference(open, openChanged), "control: an unmasked token is seen by later positions");
    }

    [TestMethod]
    public void PredictionHeadHasLavisNamesAndComputesLayerNormGeluDenseThenTiedDecoder()
    {
        using var scope = NewDisposeScope();
        using var head = QFormerPredictionHead.CreateInitialized(model.Config, seed: 3);
        var parameters = head.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        CollectionAssert.AreEquivalent(
            new[] { "transform.dense.weight", "transform.dense.bias", "transform.LayerNorm.weight", "transform.LayerNorm.bias", "bias" },
            parameters.Keys.ToList());
        Assert.IsTrue(parameters["transform.LayerNorm.weight"].eq(1).all().item<bool>(), "LayerNorm weight 1");
        foreach (var name in new[] { "transform.dense.bias", "transform.LayerNorm.bias", "bias" })
            Assert.IsTrue(parameters[name].eq(0).all().item<bool>(), $"{name} 0");
        double std = parameters["transform.dense.weight"].std().item<float>();
        Assert.IsTrue(std > 0.5 * model.Config.InitializerRange && std < 1.5 * model.Config.InitializerRange, $"dense std {std}");
        using (var same = QFormerPredictionHead.CreateInitialized(model.Config, seed: 3))
            Assert.IsTrue(same.named_parameters().Single(p => p.name == "transform.dense.weight").parameter.eq(parameters["transform.dense.weight"]).all().item<bool>(), "same seed, same head");

        // Give every parameter non-trivial values, then compare with the formula in float64.
        using (no_grad())
            foreach (var p in parameters.Values) p.copy_(randn(p.shape, generator: new Generator(11)) * 0.5 + 0.1);
        var hidden = randn(2, 5, model.Config.QFormerConfig.HiddenSize, generator: new Generator(12));
        var decoder = model.named_parameters().Single(p => p.name == "embeddings.word_embeddings.weight").parameter.detach();
        var logits = head.Forward(hidden, decoder);

        var x = hidden.to(ScalarType.Float64);
        Tensor P(string name) => parameters[name].detach().to(ScalarType.Float64);
        var dense = x.matmul(P("transform.dense.weight").t()) + P("transform.dense.bias");
        var gelu = 0.5 * dense * (1 + special.erf(dense / Math.Sqrt(2)));
        var centred = gelu - gelu.mean([-1L], keepdim: true);
        var variance = centred.pow(2).mean([-1L], keepdim: true);
        double eps = model.Config.QFormerConfig.LayerNormEps;
        var normed = centred / (variance + eps).sqrt() * P("transform.LayerNorm.weight") + P("transform.LayerNorm.bias");
        var expected = normed.matmul(decoder.to(ScalarType.Float64).t()) + P("bias");
        Assert.AreEqual(model.Config.QFormerConfig.VocabSize, logits.shape[^1]);
        Assert.IsLessThan(1e-4, MaxDifference(logits, expected), "head logits vs float64 formula");

        var wrong = zeros(decoder.shape[0] - 1, decoder.shape[1]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => head.Forward(hidden, wrong));
        StringAssert.Contains(e.Message, "vocab_size");
    }

    private static Tensor Run(Tensor textIds, Tensor textMask, QFormerTextAttention attention, long? row = null)
    {
        var rowQueries = row is long r ? queries.narrow(0, r, 1) : queries;
        var rowImage = row is long i ? image.narrow(0, i, 1) : image;
        var rowImageMask = row is long m ? imageMask.narrow(0, m, 1) : imageMask;
        var fullMask = cat([ones(textIds.shape[0], queryCount, dtype: ScalarType.Int64), textMask], 1);
        return qformer.Forward(embeddings.Forward(textIds, rowQueries), queryCount, fullMask, rowImage, rowImageMask, attention).LastHiddenState;
    }

    private static double MaxDifference(Tensor a, Tensor b) => (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs().max().item<double>();

    private static T Child<T>(string name) where T : nn.Module =>
        (T)model.named_children().Single(c => c.name == name).module;
}
