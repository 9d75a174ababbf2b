using Blip2.Trainers.Data;
using Blip2.Trainers.Optimization;

namespace Blip2.Trainers.Tests;

/// <summary>Progress reports, memory accounting, validation and early stopping of <see cref="QFormerTrainer"/>.</summary>
[TestClass]
public sealed class TrainerBehaviourTests
{
    [TestMethod]
    public void ProgressReportsEveryStepWithScheduleAndMemory()
    {
        using var scenario = new TrainingScenario(retrieval: false);
        using var model = scenario.CreateModel();
        var options = scenario.Options(null, null);
        var progress = new SynchronousProgress<TrainingProgress>(_ => { });
        var trainer = new QFormerTrainer(options);
        var result = scenario.Train(trainer, model, progress);

        long total = trainer.TotalSteps(scenario.Source);
        Assert.AreEqual(9, total);
        Assert.AreEqual(TrainingStopReason.Completed, result.StopReason);
        CollectionAssert.AreEqual(Enumerable.Range(1, 9).Select(i => (long)i).ToList(), progress.Reports.Select(p => p.Step).ToList());
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 1, 1, 1, 2, 2, 2 }, progress.Reports.Select(p => p.Epoch).ToList());
        var schedule = new LearningRateSchedule(options.LearningRate, 0, options.Schedule, options.WarmupSteps, total);
        foreach (var p in progress.Reports)
        {
            Assert.AreEqual(schedule.At(p.Step - 1), p.LearningRate, 1e-15, $"learning rate of step {p.Step}");
            Assert.AreEqual(total, p.TotalSteps);
            Assert.IsTrue(p.ExamplesPerSecond > 0 && p.EstimatedRemaining >= TimeSpan.Zero && p.GradientNorm > 0);
            Assert.IsTrue(double.IsFinite(p.Loss) && p.Accuracy is >= 0 and <= 1);
        }
        Assert.AreEqual(TimeSpan.Zero, progress.Reports[^1].EstimatedRemaining);

        // 4 bytes per float32 element; AdamW keeps two moments; gradients are cleared after each step.
        var memory = progress.Reports[^1].Memory;
        using var fresh = TinyBlip2.CreateOpt();
        using var session = QFormerTrainingSession.Create(fresh, options, total);
        long trainedBytes = 4 * session.TrainableElementCount;
        Assert.AreEqual(trainedBytes, memory.TrainableParameterBytes);
        Assert.AreEqual(2 * trainedBytes, memory.OptimizerStateBytes);
        Assert.AreEqual(0, memory.GradientBytes);
        Assert.AreEqual(4 * session.FrozenElementCount, memory.FrozenParameterBytes);
        Assert.IsTrue(memory.ProcessWorkingSetBytes > 0);
        Assert.AreEqual(result.Memory, result.Memory with { }); // the result carries a report too
        Assert.AreEqual(trainedBytes * 3, result.Memory.TrainingBytes);
    }

    [TestMethod]
    public void ValidationLossImprovesOnTheTrainingData()
    {
        using var scenario = new TrainingScenario(retrieval: false);
        using var model = scenario.CreateModel();
        var options = scenario.Options(null, null) with { Epochs = 6, ValidateEverySteps = 3 };
        var validations = new SynchronousProgress<TrainingProgress>(_ => { });
        var result = scenario.Train(new QFormerTrainer(options), model, validations, validation: scenario.Source);
        var losses = validations.Reports.Where(p => p.Validation is not null).Select(p => p.Validation!.Loss).ToList();
        Assert.AreEqual(6, losses.Count, "one validation every 3 steps");
        Assert.IsTrue(losses[^1] < losses[0], $"validation loss {losses[0]} -> {losses[^1]}");
        Assert.AreEqual(losses.Min(), result.BestValidationLoss);
    }

    [TestMethod]
    public void EarlyStoppingEndsTheRunWhenValidationStopsImproving()
    {
        var examples = SyntheticShapes.Make(perCombination: 2, seed: 51);
        // The same images with every caption shifted to another colour: learning the true captions makes this worse.
        var contradicting = examples.Select(e => e with
        {
            Text = new TokenizedExample([], [SyntheticShapes.ColourIds[(Array.IndexOf(SyntheticShapes.ColourIds, e.Text.AnswerIds[0]) + 1) % 3], e.Text.AnswerIds[1]]),
        }).ToList();
        try
        {
            using var model = TinyBlip2.CreateOpt();
            var collator = TrainingCollators.ForLanguageModeling(model.Config);
            var options = new QFormerTrainingOptions
            {
                LearningRate = 3e-3, Schedule = LearningRateScheduleKind.Constant, BatchSize = 6, Epochs = 30,
                ValidateEverySteps = 3, EarlyStoppingPatience = 2,
            };
            var result = new QFormerTrainer(options).Train(model, new InMemoryBatchSource(examples, collator, true, 1),
                new InMemoryBatchSource(contradicting, collator, false));
            Assert.AreEqual(TrainingStopReason.EarlyStopped, result.StopReason);
            Assert.IsTrue(result.Steps < 90, $"stopped after {result.Steps} of 90 steps");
            Assert.IsTrue(result.FinalValidation!.Loss > result.BestValidationLoss, "the run ends on validations worse than the best one");
        }
        finally
        {
            SyntheticShapes.Dispose(examples);
        }
    }

    [TestMethod]
    public void EarlyStoppingWithoutValidationDataIsRejected()
    {
        using var scenario = new TrainingScenario(retrieval: false);
        using var model = scenario.CreateModel();
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            scenario.Train(new QFormerTrainer(scenario.Options(null, null) with { EarlyStoppingPatience = 2 }), model));
        Assert.AreEqual("validation", e.ParamName);
    }
}
