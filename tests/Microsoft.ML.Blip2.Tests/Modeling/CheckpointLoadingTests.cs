using Microsoft.ML.Blip2.IO;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Modeling.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Tests.Modeling;

[TestClass]
public sealed class CheckpointLoadingTests
{
    private static string OptModel => Path.Combine(TestPaths.GoldenDirectory, "opt", "model");

    [TestMethod]
    public void MissingTensorIsNamed()
    {
        using var edited = new CheckpointEditor(OptModel, t => { t["qformer.layernorm.bias"].Dispose(); t.Remove("qformer.layernorm.bias"); });
        var e = Assert.ThrowsExactly<CheckpointMismatchException>(() => Blip2ForConditionalGeneration.FromPretrained(edited.Directory));
        CollectionAssert.AreEqual(new[] { "qformer.layernorm.bias" }, e.Missing.ToArray());
        StringAssert.Contains(e.Message, "qformer.layernorm.bias");
        StringAssert.Contains(e.Message, edited.Directory);
    }

    [TestMethod]
    public void UnexpectedTensorIsNamed()
    {
        using var edited = new CheckpointEditor(OptModel, t => t["qformer.extra_head.weight"] = zeros(2, 2));
        var e = Assert.ThrowsExactly<CheckpointMismatchException>(() => Blip2ForConditionalGeneration.FromPretrained(edited.Directory));
        CollectionAssert.AreEqual(new[] { "qformer.extra_head.weight" }, e.Unexpected.ToArray());
        StringAssert.Contains(e.Message, "qformer.extra_head.weight");
    }

    [TestMethod]
    public void WrongShapeIsNamedWithBothShapes()
    {
        using var edited = new CheckpointEditor(OptModel, t =>
        {
            t["language_projection.bias"].Dispose();
            t["language_projection.bias"] = zeros(31);
        });
        var e = Assert.ThrowsExactly<CheckpointMismatchException>(() => Blip2ForConditionalGeneration.FromPretrained(edited.Directory));
        Assert.HasCount(1, e.MismatchedShapes);
        StringAssert.Contains(e.MismatchedShapes[0], "language_projection.bias: checkpoint [31] vs model [32]");
    }

    [TestMethod]
    public void AllProblemsAreReportedAtOnce()
    {
        using var edited = new CheckpointEditor(OptModel, t =>
        {
            t.Remove("query_tokens");
            t["unused"] = zeros(1);
            t["language_projection.bias"] = zeros(3);
        });
        var e = Assert.ThrowsExactly<CheckpointMismatchException>(() => Blip2ForConditionalGeneration.FromPretrained(edited.Directory));
        Assert.HasCount(1, e.Missing);
        Assert.HasCount(1, e.Unexpected);
        Assert.HasCount(1, e.MismatchedShapes);
    }

    [TestMethod]
    public void LegacySeparateQkvBiasesLoadIntoTheFusedBias()
    {
        using var edited = new CheckpointEditor(OptModel, t =>
        {
            foreach (string name in t.Keys.Where(k => k.EndsWith("self_attn.qkv.bias", StringComparison.Ordinal)).ToList())
            {
                var fused = t[name];
                long d = fused.shape[0] / 3;
                string prefix = name[..^"qkv.bias".Length];
                t[prefix + "q_bias"] = fused.narrow(0, 0, d).clone();
                t[prefix + "v_bias"] = fused.narrow(0, 2 * d, d).clone();
                // Real legacy checkpoints have no key bias: make the original's zero so both load identically.
                fused.narrow(0, d, d).zero_();
                t.Remove(name);
            }
        });
        using var legacy = Blip2ForConditionalGeneration.FromPretrained(edited.Directory);
        using var reference = new CheckpointEditor(OptModel, t =>
        {
            foreach (var (name, value) in t.Where(kv => kv.Key.EndsWith("self_attn.qkv.bias", StringComparison.Ordinal)))
                value.narrow(0, value.shape[0] / 3, value.shape[0] / 3).zero_();
        });
        using var fused = Blip2ForConditionalGeneration.FromPretrained(reference.Directory);
        using var pixels = rand(1, 3, 30, 30);
        using var a = legacy.VisionModel.Forward(pixels);
        using var b = fused.VisionModel.Forward(pixels);
        Assert.IsTrue(a.LastHiddenState.eq(b.LastHiddenState).all().item<bool>(), "legacy q_bias/v_bias must give the same vision output as the fused bias");
    }

    [TestMethod]
    public void TiedLmHeadSharesTheEmbeddingStorage()
    {
        using var model = Blip2ForConditionalGeneration.FromPretrained(OptModel);
        var embeddings = CheckpointLoader.FindParameter(model, "language_model.model.decoder.embed_tokens.weight");
        var head = CheckpointLoader.FindParameter(model, "language_model.lm_head.weight");
        Assert.AreSame(embeddings, head);
        Assert.AreEqual(NativeTorch.DataPointer(embeddings), NativeTorch.DataPointer(head));
    }

    [TestMethod]
    public void WeightsAreZeroCopyOverTheFileAndConvertedWhenAnotherDtypeIsAsked()
    {
        using var model = Blip2ForConditionalGeneration.FromPretrained(OptModel);
        var fp32 = model.named_parameters().First(p => p.name == "query_tokens").parameter;
        Assert.AreEqual(ScalarType.Float32, fp32.dtype);
        using var half = Blip2ForConditionalGeneration.FromPretrained(OptModel, dtype: ScalarType.BFloat16);
        var converted = half.named_parameters().First(p => p.name == "query_tokens").parameter;
        Assert.AreEqual(ScalarType.BFloat16, converted.dtype);
        using var upcast = converted.to(ScalarType.Float32);
        Assert.IsTrue(upcast.allclose(fp32, rtol: 1e-2, atol: 1e-2));
    }

    [TestMethod]
    public void PickleOnlyDirectoryIsRefusedWithAnExplanation()
    {
        string dir = Path.Combine(Path.GetTempPath(), "blip2-pickle-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.Copy(Path.Combine(OptModel, "config.json"), Path.Combine(dir, "config.json"));
            File.WriteAllBytes(Path.Combine(dir, "pytorch_model.bin"), [0x80, 0x02]);
            var e = Assert.ThrowsExactly<SafetensorsException>(() => Blip2ForConditionalGeneration.FromPretrained(dir));
            StringAssert.Contains(e.Message, "safetensors");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

[TestClass]
public sealed class SavePretrainedTests
{
    [TestMethod]
    [DataRow("opt", 1_000_000_000L)]
    [DataRow("t5", 60_000L)]
    public void SavedDirectoryLoadsBackWithIdenticalOutputs(string caseName, long maxShardBytes)
    {
        string source = Path.Combine(TestPaths.GoldenDirectory, caseName, "model");
        string target = Path.Combine(Path.GetTempPath(), "blip2-save-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var model = Blip2ForConditionalGeneration.FromPretrained(source);
            model.SavePretrained(target, maxShardBytes);
            using var reloaded = Blip2ForConditionalGeneration.FromPretrained(target);
            using var pixels = rand(1, 3, 30, 30);
            using var ids = tensor(new long[] { 2, 5, 6, 7 }, [1, 4]);
            using var a = model.Forward(pixels, ids, decoderInputIds: ids);
            using var b = reloaded.Forward(pixels, ids, decoderInputIds: ids);
            Assert.IsTrue(a.Logits.eq(b.Logits).all().item<bool>());
            using var original = SafetensorsCheckpoint.Open(source);
            using var saved = SafetensorsCheckpoint.Open(target);
            CollectionAssert.AreEquivalent(original.Names.ToList(), saved.Names.ToList(), "same tensor names as transformers wrote (tied copies omitted)");
            Assert.AreEqual(maxShardBytes < 1_000_000, File.Exists(Path.Combine(target, "model.safetensors.index.json")));
        }
        finally
        {
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        }
    }
}
