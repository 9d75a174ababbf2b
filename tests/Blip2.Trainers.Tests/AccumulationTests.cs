using Blip2.Trainers.Data;
using static TorchSharp.torch;

namespace Blip2.Trainers.Tests;

/// <summary>Two accumulated half batches give the gradient (and the update) of one full batch.</summary>
[TestClass]
public sealed class AccumulationTests
{
    [TestMethod]
    public void TwoHalfBatchesGiveTheFullBatchGradient()
    {
        var examples = RandomExamples.Make(8, seed: 21);
        try
        {
            var options = new QFormerTrainingOptions { Schedule = LearningRateScheduleKind.Constant };
            using var fullModel = TinyBlip2.CreateOpt();
            using var halfModel = TinyBlip2.CreateOpt();
            using var full = QFormerTrainingSession.Create(fullModel, options);
            using var half = QFormerTrainingSession.Create(halfModel, options);

            using (var batch = RandomExamples.Batch(examples)) full.ComputeLossAndGradients(batch);
            using var first = RandomExamples.Batch(examples.Take(4).ToList());
            using var second = RandomExamples.Batch(examples.Skip(4).ToList());
            long n1 = half.TargetCount(first), n2 = half.TargetCount(second);
            Assert.AreNotEqual(n1, n2, "the halves should have different token counts for the test to mean something");
            half.ComputeLossAndGradients(first, (double)n1 / (n1 + n2));
            half.ComputeLossAndGradients(second, (double)n2 / (n1 + n2));

            foreach (var name in full.TrainableParameterNames)
            {
                using var expected = full.GetGradient(name);
                using var actual = half.GetGradient(name);
                double scale = expected.abs().max().item<float>();
                Assert.IsTrue(actual.allclose(expected, rtol: 1e-4, atol: 1e-5 * scale + 1e-9), $"gradient of {name}");
            }
        }
        finally
        {
            SyntheticShapes.Dispose(examples);
        }
    }

    [TestMethod]
    public void TrainerWithAccumulationMatchesTrainerWithTheFullBatch()
    {
        var examples = RandomExamples.Make(16, seed: 22);
        try
        {
            var source = new InMemoryBatchSource(examples, TrainingCollators.ForLanguageModeling(TinyBlip2.OptConfig()), shuffle: true, seed: 1);
            var options = new QFormerTrainingOptions { LearningRate = 1e-3, Epochs = 2, Schedule = LearningRateScheduleKind.Linear, WarmupSteps = 1 };
            using var fullModel = TinyBlip2.CreateOpt();
            using var halfModel = TinyBlip2.CreateOpt();
            var a = new QFormerTrainer(options with { BatchSize = 8 }).Train(fullModel, source);
            var b = new QFormerTrainer(options with { BatchSize = 4, GradientAccumulationSteps = 2 }).Train(halfModel, source);
            Assert.AreEqual(4, a.Steps);
            Assert.AreEqual(4, b.Steps);
            double difference = ModelSnapshot.MaxDifference(ModelSnapshot.Take(fullModel), ModelSnapshot.Take(halfModel));
            Assert.IsTrue(difference < 1e-5, $"weights differ by {difference}");
            for (int i = 0; i < a.LossHistory.Count; i++)
                Assert.AreEqual(a.LossHistory[i], b.LossHistory[i], 1e-5, $"loss of step {i + 1}");
        }
        finally
        {
            SyntheticShapes.Dispose(examples);
        }
    }
}
