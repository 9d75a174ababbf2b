using Blip2.Trainers.Checkpointing;

namespace Blip2.Trainers.Tests;

/// <summary>Resuming from a checkpoint, or after a cancellation, ends with exactly the weights of an uninterrupted run.</summary>
[TestClass]
public sealed class ResumeTests
{
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void ResumeFromAMidEpochCheckpointGivesIdenticalFinalWeights(bool retrieval)
    {
        using var scenario = new TrainingScenario(retrieval);
        using var directory = new TemporaryDirectory();
        var options = scenario.Options(directory.Path, checkpointEvery: 2);

        using var uninterrupted = scenario.CreateModel();
        var full = scenario.Train(new QFormerTrainer(options), uninterrupted);
        Assert.AreEqual(9, full.Steps);
        CollectionAssert.AreEqual(new long[] { 2, 4, 6, 8 }.Select(TrainingCheckpoint.FolderName).ToList(),
            full.Checkpoints.Select(Path.GetFileName).ToList());

        // Step 4 is in the middle of epoch 1 (2 of its 5 batches consumed).
        using var resumed = scenario.CreateModel();
        var rest = scenario.Resume(new QFormerTrainer(options with { CheckpointDirectory = null, CheckpointEverySteps = null }),
            Path.Combine(directory.Path, TrainingCheckpoint.FolderName(4)), resumed);
        Assert.AreEqual(9, rest.Steps);
        Assert.AreEqual(5, rest.LossHistory.Count);
        CollectionAssert.AreEqual(full.LossHistory.Skip(4).ToList(), rest.LossHistory.ToList(), "losses of steps 5-9");
        ModelSnapshot.AssertIdentical(ModelSnapshot.Take(uninterrupted), ModelSnapshot.Take(resumed), "resumed vs uninterrupted");
        Assert.AreEqual(Path.Combine(directory.Path, TrainingCheckpoint.FolderName(8)), TrainingCheckpoint.FindLatest(directory.Path));
    }

    [TestMethod]
    public void CancellationStopsBetweenStepsAndItsCheckpointResumesExactly()
    {
        using var scenario = new TrainingScenario(retrieval: false);
        using var directory = new TemporaryDirectory();
        var options = scenario.Options(directory.Path, checkpointEvery: null);

        using var uninterrupted = scenario.CreateModel();
        scenario.Train(new QFormerTrainer(options with { CheckpointDirectory = null }), uninterrupted);

        using var cancelled = scenario.CreateModel();
        using var cancellation = new CancellationTokenSource();
        var progress = new SynchronousProgress<TrainingProgress>(p =>
        {
            if (p.Step == 5) cancellation.Cancel();
        });
        var stopped = scenario.Train(new QFormerTrainer(options), cancelled, progress, cancellation.Token);
        Assert.AreEqual(TrainingStopReason.Cancelled, stopped.StopReason);
        Assert.AreEqual(5, stopped.Steps, "training must stop right after the step during which it was cancelled");
        Assert.AreEqual(5, progress.Reports.Count);
        string checkpoint = Path.Combine(directory.Path, TrainingCheckpoint.FolderName(5));
        CollectionAssert.AreEqual(new[] { checkpoint }, stopped.Checkpoints.ToList());

        using var resumed = scenario.CreateModel();
        var rest = scenario.Resume(new QFormerTrainer(options with { CheckpointDirectory = null }), checkpoint, resumed);
        Assert.AreEqual(TrainingStopReason.Completed, rest.StopReason);
        ModelSnapshot.AssertIdentical(ModelSnapshot.Take(uninterrupted), ModelSnapshot.Take(resumed), "resumed after cancellation");
    }

    [TestMethod]
    public void ResumeRefusesDifferentOptionsNamingThem()
    {
        using var scenario = new TrainingScenario(retrieval: false);
        using var directory = new TemporaryDirectory();
        var options = scenario.Options(directory.Path, checkpointEvery: 3);
        using (var model = scenario.CreateModel()) scenario.Train(new QFormerTrainer(options with { Epochs = 1 }), model);
        using var other = scenario.CreateModel();
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            scenario.Resume(new QFormerTrainer(options with { Epochs = 1, LearningRate = 1e-3 }), Path.Combine(directory.Path, TrainingCheckpoint.FolderName(3)), other));
        StringAssert.Contains(e.Message, nameof(QFormerTrainingOptions.LearningRate));
    }
}
