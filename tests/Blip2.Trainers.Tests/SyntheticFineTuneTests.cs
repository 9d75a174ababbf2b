using System.Diagnostics;
using Blip2.Trainers.Data;
using Blip2.Trainers.Metrics;
using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Modeling;
using static TorchSharp.torch;

namespace Blip2.Trainers.Tests;

/// <summary>
/// End to end: a tiny BLIP-2 whose vision encoder and language model are random and frozen learns to caption synthetic
/// coloured shapes ("red disc", …) by training only the query tokens, Q-Former and projection; accuracy is measured on
/// held-out images drawn with another seed.
/// </summary>
[TestClass]
public sealed class SyntheticFineTuneTests
{
    [TestMethod]
    public void HeldOutCaptionAccuracyRisesFromChanceToAtLeast90Percent()
    {
        var clock = Stopwatch.StartNew();
        var trainExamples = SyntheticShapes.Make(perCombination: 24, seed: 1);
        var heldOutExamples = SyntheticShapes.Make(perCombination: 6, seed: 2);
        try
        {
            using var model = TinyBlip2.CreateOpt(seed: 4);
            var collator = TrainingCollators.ForLanguageModeling(model.Config);
            var train = new InMemoryBatchSource(trainExamples, collator, shuffle: true, seed: 4);
            var heldOut = new InMemoryBatchSource(heldOutExamples, collator, shuffle: false);

            double before = ExactMatch(model, heldOutExamples);
            var options = new QFormerTrainingOptions
            {
                LearningRate = 3e-3,
                WeightDecay = 0.01,
                WarmupSteps = 10,
                Schedule = LearningRateScheduleKind.Cosine,
                BatchSize = 12,
                Epochs = 60,
                CacheImageFeatures = true,
                Seed = 5,
            };
            var result = new QFormerTrainer(options).Train(model, train, heldOut);
            double after = ExactMatch(model, heldOutExamples);

            string summary = $"held-out exact match {before:P1} -> {after:P1}, token accuracy {result.FinalValidation!.Accuracy:P1}; " +
                $"training loss {result.LossHistory[0]:F3} -> {result.FinalLoss:F3} in {result.Steps} steps, {clock.Elapsed.TotalSeconds:F1} s";
            Console.WriteLine(summary);
            // 9 equally likely captions: chance is 1/9 for exact match.
            Assert.IsTrue(before < 0.25, $"before training the exact match should be near chance: {summary}");
            Assert.IsTrue(after >= 0.9, summary);
            Assert.IsTrue(result.FinalValidation.Accuracy >= 0.9, summary);
        }
        finally
        {
            SyntheticShapes.Dispose(trainExamples);
            SyntheticShapes.Dispose(heldOutExamples);
        }
    }

    private static double ExactMatch(Blip2ForConditionalGeneration model, IReadOnlyList<TrainingExample> examples)
    {
        using var scope = NewDisposeScope();
        var pixels = stack(examples.Select(e => e.PixelValues).ToArray());
        var output = model.Generate(pixels, options: model.DefaultGenerationOptions() with { MaxNewTokens = 3, NumBeams = 1 });
        var rows = Enumerable.Range(0, examples.Count)
            .Select(i => (IReadOnlyList<long>)output.Sequences[i].data<long>().ToArray()).ToList();
        var targets = examples.Select(e => (IReadOnlyList<long>)e.Text.AnswerIds.ToList()).ToList();
        return AnswerAccuracy.ExactMatch(rows, targets, [TinyBlip2.Bos, TinyBlip2.Eos, TinyBlip2.Pad]);
    }
}
