using Blip2.Trainers.Data;
using Blip2.Trainers.Metrics;
using Microsoft.ML.Blip2.Modeling;
using static TorchSharp.torch;

namespace Blip2.Trainers.Tests;

/// <summary>
/// ITC and ITM losses against an independent computation from the model's own (golden-verified) ITC similarities and
/// ITM logits, evaluated in double precision; plus a short training run.
/// </summary>
[TestClass]
public sealed class RetrievalObjectiveTests
{
    private const double Temperature = 0.07, Smoothing = 0.1;

    [TestMethod]
    public void LossesEqualTheLavisFormulasOnTheModelOutputs()
    {
        using var model = Blip2ForImageTextRetrieval.FromPretrained(GoldenFiles.ItmModel);
        using var inputs = GoldenFiles.Inputs("itm");
        using var pixels = inputs.LoadTensorCopy("pixel_values");
        using var ids = inputs.LoadTensorCopy("itm_input_ids");
        using var mask = inputs.LoadTensorCopy("itm_attention_mask");

        // Independent: cosine similarities [image, text] from the model's ITC path.
        double[,] sim = new double[2, 2];
        using (var itc = model.Forward(pixels, ids, mask, useImageTextMatchingHead: false))
            for (int i = 0; i < 2; i++) for (int t = 0; t < 2; t++) sim[i, t] = itc.LogitsPerImage[i, t].item<float>();
        double lossItc = 0;
        for (int r = 0; r < 2; r++)
        {
            lossItc += SmoothedCrossEntropy([sim[r, 0] / Temperature, sim[r, 1] / Temperature], r) / 4; // image → text
            lossItc += SmoothedCrossEntropy([sim[0, r] / Temperature, sim[1, r] / Temperature], r) / 4; // text → image
        }
        // With two examples the only negative of each is the other one: (image, text) pairs in LAVIS order
        // positives, texts with a negative image, images with a negative text; labels 1, 1, 0, 0, 0, 0.
        (int Image, int Text)[] pairs = [(0, 0), (1, 1), (1, 0), (0, 1), (0, 1), (1, 0)];
        double lossItm = 0;
        foreach (var (pair, index) in pairs.Select((p, i) => (p, i)))
        {
            using var scope = NewDisposeScope();
            var output = model.Forward(pixels[pair.Image].unsqueeze(0), ids[pair.Text].unsqueeze(0), mask[pair.Text].unsqueeze(0), useImageTextMatchingHead: true);
            double[] logits = [output.LogitsPerImage[0, 0].item<float>(), output.LogitsPerImage[0, 1].item<float>()];
            lossItm += SmoothedCrossEntropy(logits, index < 2 ? 1 : 0, smoothing: 0) / pairs.Length;
        }

        var options = new QFormerTrainingOptions { Schedule = LearningRateScheduleKind.Constant, ContrastiveTemperature = Temperature, ContrastiveLabelSmoothing = Smoothing };
        using var session = QFormerTrainingSession.Create(model, options);
        CollectionAssert.Contains(session.TrainableParameterNames.ToList(), "temp");
        using var batch = new TrainingBatch(pixels.clone(), ids.clone(), mask.clone());
        var statistics = session.EvaluateBatch(batch);
        Assert.AreEqual(lossItc, statistics.Components["itc"], 1e-5, "ITC");
        Assert.AreEqual(lossItm, statistics.Components["itm"], 1e-5, "ITM");
        Assert.AreEqual(lossItc + lossItm, statistics.Loss, 2e-5, "total");
        Assert.AreEqual(6, statistics.Predictions);
    }

    [TestMethod]
    public void TrainingLowersEveryLossSeparatesMatchesByItmAndLearnsTheTemperature()
    {
        // One image per (colour, shape): nine distinct captions, so in-batch negatives are true negatives.
        var examples = SyntheticShapes.Make(perCombination: 1, seed: 61)
            .Select(e => e with { Text = new TokenizedExample([1], [.. e.Text.AnswerIds, 2]) }).ToList();
        try
        {
            using var model = TinyBlip2.CreateRetrieval();
            var source = new InMemoryBatchSource(examples, new RetrievalTextCollator(0), shuffle: false);
            using var batch = source.ReadEpoch(0, 9).Single();
            double matchingBefore = MeanMatchProbability(model, batch, shift: 0), mismatchedBefore = MeanMatchProbability(model, batch, shift: 1);
            BatchStatistics first, last;
            using (var session = QFormerTrainingSession.Create(model, new QFormerTrainingOptions
            {
                LearningRate = 3e-3,
                Schedule = LearningRateScheduleKind.Constant,
                CacheImageFeatures = true,
                RetrievalObjectives = RetrievalObjectives.All,
                TextGenerationStartTokenId = 3, // [DEC] of the tiny vocabulary
            }))
            {
                first = session.EvaluateBatch(batch);
                for (int i = 0; i < 100; i++)
                {
                    session.ComputeLossAndGradients(batch, 1.0, source);
                    session.OptimizerStep();
                }
                last = session.EvaluateBatch(batch);
                using var temperature = session.GetParameter("temp");
                Assert.AreNotEqual(0.07f, temperature.item<float>(), "the temperature is trained");
            }
            string losses = string.Join("; ", first.Components.Keys.Select(k => $"{k} {first.Components[k]:F3} -> {last.Components[k]:F3}"));
            foreach (var name in new[] { "itc", "itm", "itg" })
                Assert.IsLessThan(0.8 * first.Components[name], last.Components[name], $"{name} must fall by 20 %: {losses}");

            // ITM: each image with its own caption against the next image's caption (another colour or shape).
            double matching = MeanMatchProbability(model, batch, shift: 0), mismatched = MeanMatchProbability(model, batch, shift: 1);
            string probabilities = $"p(match) before: {matchingBefore:F3} / {mismatchedBefore:F3}, after: {matching:F3} / {mismatched:F3}";
            Assert.IsLessThan(0.05, Math.Abs(matchingBefore - mismatchedBefore), $"the untrained ITM head already separates: {probabilities}");
            Assert.IsGreaterThan(mismatched + 0.2, matching, probabilities);
        }
        finally
        {
            SyntheticShapes.Dispose(examples);
        }
    }

    [TestMethod]
    public void EachLossCanBeTrainedAloneAndAccuracyFollowsIt()
    {
        using var model = Blip2ForImageTextRetrieval.FromPretrained(GoldenFiles.ItmModel);
        using var batch = GoldenFiles.ItmBatch();
        var options = new QFormerTrainingOptions { Schedule = LearningRateScheduleKind.Constant, TextGenerationStartTokenId = 98 };
        (RetrievalObjectives Losses, string Name, long Predictions)[] cases =
        [
            (RetrievalObjectives.ImageTextContrastive, "itc", 2), // top-1 image → text over the 2 images
            (RetrievalObjectives.ImageTextMatching, "itm", 6),    // 3 pairs per example
            (RetrievalObjectives.ImageGroundedTextGeneration, "itg", 6 + 3), // non-padding next-token targets
        ];
        foreach (var (losses, name, predictions) in cases)
        {
            using var session = QFormerTrainingSession.Create(model, options with { RetrievalObjectives = losses });
            var statistics = session.EvaluateBatch(batch);
            CollectionAssert.AreEquivalent(new[] { name }, statistics.Components.Keys.ToList(), losses.ToString());
            Assert.AreEqual(statistics.Components[name], statistics.Loss, 1e-6, name);
            Assert.AreEqual(predictions, statistics.Predictions, name);
        }
    }

    [TestMethod]
    public void OneExampleBatchesAreRejected()
    {
        using var model = TinyBlip2.CreateRetrieval();
        using var session = QFormerTrainingSession.Create(model, new QFormerTrainingOptions { Schedule = LearningRateScheduleKind.Constant });
        using var batch = new TrainingBatch(zeros(1, 3, 32, 32), ones(1, 3, dtype: ScalarType.Int64), ones(1, 3, dtype: ScalarType.Int64));
        var e = Assert.ThrowsExactly<ArgumentException>(() => session.ComputeLossAndGradients(batch));
        StringAssert.Contains(e.Message, "at least 2");
    }

    // Mean ITM probability of "match" for image i with text (i + shift) mod B.
    private static double MeanMatchProbability(Blip2ForImageTextRetrieval model, TrainingBatch batch, int shift)
    {
        using var scope = NewDisposeScope();
        var texts = batch.InputIds.roll(-shift, 0);
        var masks = batch.AttentionMask.roll(-shift, 0);
        var output = model.Forward(batch.PixelValues, texts, masks, useImageTextMatchingHead: true);
        return nn.functional.softmax(output.LogitsPerImage, 1).select(1, 1).mean().item<float>();
    }

    // −Σ_k q_k log softmax(x)_k with q = (1−ε)·onehot + ε/K (PyTorch's label smoothing).
    private static double SmoothedCrossEntropy(double[] logits, int target, double smoothing = Smoothing)
    {
        double max = logits.Max();
        double logSum = max + Math.Log(logits.Sum(x => Math.Exp(x - max)));
        double loss = 0;
        for (int k = 0; k < logits.Length; k++)
        {
            double q = (k == target ? 1 - smoothing : 0) + smoothing / logits.Length;
            loss -= q * (logits[k] - logSum);
        }
        return loss;
    }
}
