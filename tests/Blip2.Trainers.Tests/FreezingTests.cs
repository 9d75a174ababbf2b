using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Blip2.Trainers.Data;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Blip2.Trainers.Tests;

/// <summary>What is frozen stays bit-identical and in place; what is trained changes and owns its memory.</summary>
[TestClass]
public sealed class FreezingTests
{
    [TestMethod]
    public void FrozenParametersStayBitIdenticalAndUncopiedWhileTrainedOnesChange()
    {
        // The golden checkpoint loads zero-copy over the memory-mapped file: a real-world layout.
        using var model = Blip2ForConditionalGeneration.FromPretrained(GoldenFiles.OptModel);
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var addresses = model.named_parameters().ToDictionary(p => p.name, p => Address(p.parameter));
        var examples = RandomExamplesFor(model);
        try
        {
            using (var session = QFormerTrainingSession.Create(model, new QFormerTrainingOptions { LearningRate = 1e-3, Schedule = LearningRateScheduleKind.Constant }))
            using (var batch = new InMemoryBatchSource(examples, TrainingCollators.ForLanguageModeling(model.Config), false).ReadEpoch(0, 4).First())
            {
                foreach (var name in session.FrozenParameterNames)
                    Assert.IsTrue(name.StartsWith("vision_model.") || name.StartsWith("language_model."), name);
                for (int step = 0; step < 3; step++)
                {
                    session.ComputeLossAndGradients(batch);
                    foreach (var (name, p) in model.named_parameters().Where(p => !p.parameter.requires_grad))
                    {
                        using var g = p.grad;
                        Assert.IsNull(g, $"frozen {name} received a gradient");
                    }
                    session.OptimizerStep();
                }
                Assert.AreEqual(23594, session.TrainableElementCount);
            }
            foreach (var (name, p) in model.named_parameters())
            {
                bool trained = name.StartsWith("query_tokens") || name.StartsWith("qformer.") || name.StartsWith("language_projection.");
                bool identical = before[name].bytes.SequenceEqual(p.bytes);
                if (trained)
                {
                    Assert.IsFalse(identical, $"trained parameter {name} did not change");
                    Assert.AreNotEqual(addresses[name], Address(p), $"trained parameter {name} still uses the checkpoint's memory");
                }
                else
                {
                    Assert.IsTrue(identical, $"frozen parameter {name} changed");
                    Assert.AreEqual(addresses[name], Address(p), $"frozen parameter {name} was copied");
                }
                Assert.IsFalse(p.requires_grad, $"{name} still requires grad after the session");
            }
        }
        finally
        {
            foreach (var t in before.Values) t.Dispose();
            SyntheticShapes.Dispose(examples);
        }
    }

    [TestMethod]
    [DataRow(FrozenComponents.LanguageModel, "vision_model.embeddings.patch_embedding.weight", "language_model.model.decoder.layers.0.fc1.weight")]
    [DataRow(FrozenComponents.VisionModel, "language_model.model.decoder.embed_tokens.weight", "vision_model.post_layernorm.weight")]
    public void FreezeChoosesWhatIsTrained(FrozenComponents freeze, string trained, string frozen)
    {
        using var model = TinyBlip2.CreateOpt();
        using var session = QFormerTrainingSession.Create(model, new QFormerTrainingOptions { Freeze = freeze, Schedule = LearningRateScheduleKind.Constant });
        CollectionAssert.Contains(session.TrainableParameterNames.ToList(), trained);
        CollectionAssert.Contains(session.FrozenParameterNames.ToList(), frozen);
    }

    [TestMethod]
    public void TrainingEverythingKeepsTiedEmbeddingsTied()
    {
        using var model = TinyBlip2.CreateOpt();
        var examples = RandomExamples.Make(4, seed: 9);
        try
        {
            using var session = QFormerTrainingSession.Create(model,
                new QFormerTrainingOptions { Freeze = FrozenComponents.None, LearningRate = 1e-2, Schedule = LearningRateScheduleKind.Constant });
            Assert.AreEqual(0, session.FrozenParameterNames.Count);
            using var batch = RandomExamples.Batch(examples);
            session.ComputeLossAndGradients(batch);
            session.OptimizerStep();
            var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
            var head = ((Linear)modules["language_model.lm_head"]).Weight;
            var embeddings = ((Embedding)modules["language_model.model.decoder.embed_tokens"]).Weight;
            Assert.AreSame(embeddings, head, "lm_head and the token embeddings must stay one parameter");
            CollectionAssert.Contains(session.TrainableParameterNames.ToList(), "language_model.model.decoder.embed_tokens.weight");
        }
        finally
        {
            SyntheticShapes.Dispose(examples);
        }
    }

    private static List<TrainingExample> RandomExamplesFor(Blip2ForConditionalGeneration model)
    {
        // Golden OPT model: 30×30 images, vocabulary 99, eos 77.
        var random = new Random(3);
        return Enumerable.Range(0, 4).Select(_ => new TrainingExample(
            randn(3, 30, 30, generator: new Generator((ulong)random.Next(), CPU)),
            new TokenizedExample([random.Next(4, 90)], [random.Next(4, 90), random.Next(4, 90)]))).ToList();
    }

    private static nint Address(Tensor t) =>
        Unsafe.ByteOffset(ref Unsafe.NullRef<byte>(), ref MemoryMarshal.GetReference(t.bytes));
}
