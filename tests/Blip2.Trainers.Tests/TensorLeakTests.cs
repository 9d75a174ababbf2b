using Blip2.Trainers.Data;
using TorchSharp;

namespace Blip2.Trainers.Tests;

/// <summary>No tensor outlives a step: the live-tensor count of the thread stays flat over many steps and whole runs.</summary>
[TestClass]
public sealed class TensorLeakTests
{
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void SessionStepsDoNotGrowTheLiveTensorCount(bool cacheImageFeatures)
    {
        var examples = RandomExamples.Make(4, seed: 41);
        try
        {
            using var model = TinyBlip2.CreateOpt();
            var options = new QFormerTrainingOptions { Schedule = LearningRateScheduleKind.Constant, MaxGradientNorm = 1, CacheImageFeatures = cacheImageFeatures };
            using var session = QFormerTrainingSession.Create(model, options);
            var source = new InMemoryBatchSource(examples, TrainingCollators.ForLanguageModeling(model.Config), shuffle: false);
            using var batch = source.ReadEpoch(0, 4).Single();
            void Step()
            {
                session.ComputeLossAndGradients(batch, 1.0, source);
                session.OptimizerStep();
                session.EvaluateBatch(batch);
                session.MeasureMemory();
            }
            Step(); // optimizer state and cache are created once
            Step();
            long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            for (int i = 0; i < 50; i++) Step();
            Assert.AreEqual(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount, "live tensors after 50 more steps");
        }
        finally
        {
            SyntheticShapes.Dispose(examples);
        }
    }

    [TestMethod]
    public void AWholeRunLeavesNoTensorBehind()
    {
        using var scenario = new TrainingScenario(retrieval: true);
        using var model = scenario.CreateModel();
        var options = scenario.Options(null, null) with { CacheImageFeatures = true };
        scenario.Train(new QFormerTrainer(options with { Epochs = 1 }), model);
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        scenario.Train(new QFormerTrainer(options), model);
        Assert.AreEqual(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount, "live tensors after a second, longer run");
    }
}
