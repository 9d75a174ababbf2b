using Blip2.FineTune.Synthetic;
using Blip2.Trainers.MLNet;
using Microsoft.ML;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Transforms;
using Microsoft.ML.Data;

namespace Blip2.Trainers.Tests.MLNet;

/// <summary>
/// Image–text matching fine-tuned through ML.NET: <c>Blip2MatchImageText(…, trainingOptions)</c> trains ITC + ITM on
/// the rows' (image, caption) pairs of the synthetic shapes, with a tiny retrieval model and a BERT vocabulary of the
/// caption words.
/// </summary>
[TestClass]
public sealed class RetrievalFineTuningPipelineTests
{
    private static readonly string[] BertVocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. ShapeImages.Colours, .. ShapeImages.Shapes];
    private static TemporaryDirectory work = null!;
    private static string modelDirectory = null!;
    private static List<PairRow> train = null!, heldOut = null!;

    [ClassInitialize]
    public static void CreateModelAndData(TestContext context)
    {
        work = new TemporaryDirectory();
        modelDirectory = Path.Combine(work.Path, "model");
        using (var model = TinyBlip2.CreateRetrieval(seed: 11))
            model.SavePretrained(modelDirectory);
        File.WriteAllLines(Path.Combine(modelDirectory, "vocab.txt"), BertVocabulary);
        File.WriteAllText(Path.Combine(modelDirectory, "tokenizer_config.json"), """{"tokenizer_class": "BertTokenizer", "do_lower_case": true, "model_max_length": 32}""");
        TinyModelDirectory.WritePreprocessorConfig(modelDirectory);
        train = Rows(ShapeImages.Write(Path.Combine(work.Path, "train"), perCombination: 8, seed: 21, TinyModelDirectory.ImageSize));
        heldOut = Rows(ShapeImages.Write(Path.Combine(work.Path, "held-out"), perCombination: 3, seed: 22, TinyModelDirectory.ImageSize));
    }

    [ClassCleanup]
    public static void Cleanup() => work?.Dispose();

    [TestMethod]
    public void FitHandsTheFineTunerBertEncodedPairsAndUsesTheResult()
    {
        var ml = new MLContext(seed: 1);
        var fineTuner = new RecordingFineTuner(0.25f);
        var options = new ImageTextMatchingEstimator.Options
        {
            OutputColumnName = "Score",
            ImageColumnName = nameof(PairRow.ImagePath),
            TextColumnName = nameof(PairRow.Caption),
            ModelDirectory = modelDirectory,
            FineTuner = fineTuner,
        };
        using var fitted = ml.Transforms.Blip2MatchImageText(options).Fit(ml.Data.LoadFromEnumerable(train.Take(4)));

        for (int i = 0; i < 4; i++)
        {
            string[] words = train[i].Caption.Split(' ');
            long[] expected = [2, Array.IndexOf(BertVocabulary, words[0]), Array.IndexOf(BertVocabulary, words[1]), 3];
            CollectionAssert.AreEqual(expected, fineTuner.Examples[i].TargetIds, $"row {i}: [CLS] caption [SEP]");
            Assert.IsEmpty(fineTuner.Examples[i].PromptIds);
        }

        using var tuned = Blip2ForImageTextRetrieval.FromPretrained(fitted.ModelDirectory);
        Assert.IsTrue(RecordingFineTuner.Values(tuned, RecordingFineTuner.RetrievalParameter).All(v => v == 0.25f));
        Assert.AreEqual(Array.IndexOf(BertVocabulary, "[CLS]"), fineTuner.Context!.Tokenizer.ClsTokenId, "the Q-Former tokenizer is handed over");
        Assert.IsNotNull(fineTuner.Context.Channel);
    }

    [TestMethod]
    public void GenerationLossStartsFromTheTokenizersBosTokenDec()
    {
        // The tokenizer as LAVIS / the Hugging Face conversion saves it: [DEC] added after the vocabulary as bos_token.
        using var directory = new TemporaryDirectory();
        foreach (var file in Directory.GetFiles(modelDirectory))
            File.Copy(file, Path.Combine(directory.Path, Path.GetFileName(file)));
        int dec = BertVocabulary.Length;
        var addedToken = new { content = "[DEC]", lstrip = false, normalized = false, rstrip = false, single_word = false, special = true };
        File.WriteAllText(Path.Combine(directory.Path, "tokenizer_config.json"), System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["tokenizer_class"] = "BertTokenizer",
            ["do_lower_case"] = true,
            ["model_max_length"] = 32,
            ["bos_token"] = "[DEC]",
            ["added_tokens_decoder"] = new Dictionary<string, object> { [dec.ToString(System.Globalization.CultureInfo.InvariantCulture)] = addedToken },
        }));
        var ml = new MLContext(seed: 1);
        var reports = new List<Blip2.Trainers.TrainingProgress>();
        var estimator = ml.Transforms.Blip2MatchImageText("Score", nameof(PairRow.ImagePath), nameof(PairRow.Caption), directory.Path,
            new QFormerTrainingOptions { BatchSize = 9, Epochs = 1, RetrievalObjectives = RetrievalObjectives.All, Schedule = LearningRateScheduleKind.Constant },
            new SynchronousProgress<Blip2.Trainers.TrainingProgress>(reports.Add));
        using (estimator.Fit(ml.Data.LoadFromEnumerable(train.Take(18)))) { }
        Assert.HasCount(2, reports);
        CollectionAssert.AreEquivalent(new[] { "itc", "itm", "itg" }, reports[0].LossComponents.Keys.ToList());

        // Without a bos token in the tokenizer (the class's model directory), ITG needs the option.
        var noBos = ml.Transforms.Blip2MatchImageText("Score", nameof(PairRow.ImagePath), nameof(PairRow.Caption), modelDirectory,
            new QFormerTrainingOptions { BatchSize = 9, Epochs = 1, RetrievalObjectives = RetrievalObjectives.All });
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => noBos.Fit(ml.Data.LoadFromEnumerable(train.Take(18))).Dispose());
        StringAssert.Contains(e.Message, nameof(QFormerTrainingOptions.TextGenerationStartTokenId));
    }

    [TestMethod]
    public void TrainingSeparatesMatchingFromMismatchedHeldOutPairsByItcSimilarity()
    {
        var ml = new MLContext(seed: 1);
        var options = new QFormerTrainingOptions
        {
            LearningRate = 3e-3,
            WeightDecay = 0.01,
            WarmupSteps = 5,
            BatchSize = 9,
            Epochs = 30,
            CacheImageFeatures = true,
            Seed = 3,
        };
        var estimator = ml.Transforms.Blip2MatchImageText("Score", nameof(PairRow.ImagePath), nameof(PairRow.Caption), modelDirectory, options,
            mode: ImageTextMatchingMode.Itc);
        using var fitted = estimator.Fit(ml.Data.LoadFromEnumerable(train));

        // Each held-out image with its own caption and with the caption of another colour and shape.
        var mismatched = heldOut.Select((row, i) => row with { Caption = heldOut.First(o => !SharesAWord(o.Caption, row.Caption)).Caption }).ToList();
        double Mean(IEnumerable<PairRow> rows) => fitted.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score").Average();
        double matching = Mean(heldOut), other = Mean(mismatched);

        using (var untrained = ml.Transforms.Blip2MatchImageText("Score", nameof(PairRow.ImagePath), nameof(PairRow.Caption), modelDirectory,
            ImageTextMatchingMode.Itc).Fit(ml.Data.LoadFromEnumerable(heldOut)))
        {
            double Untrained(IEnumerable<PairRow> rows) => untrained.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score").Average();
            double matchingBefore = Untrained(heldOut), otherBefore = Untrained(mismatched);
            Console.WriteLine($"ITC before: matching {matchingBefore:F3}, mismatched {otherBefore:F3}; after: {matching:F3}, {other:F3}");
            Assert.IsLessThan(0.05, Math.Abs(matchingBefore - otherBefore), "the untrained model already separates the pairs");
        }

        using var original = Blip2ForImageTextRetrieval.FromPretrained(modelDirectory);
        using var tuned = Blip2ForImageTextRetrieval.FromPretrained(fitted.ModelDirectory);
        var before = ModelSnapshot.Take(original);
        var after = ModelSnapshot.Take(tuned);
        foreach (var (name, values) in before.Where(p => p.Key.StartsWith("vision_model.", StringComparison.Ordinal)))
            CollectionAssert.AreEqual(values, after[name], $"frozen {name} changed");
        Assert.IsGreaterThan(0.0, ModelSnapshot.MaxDifference(
            before.Where(p => p.Key.StartsWith("qformer.", StringComparison.Ordinal)).ToDictionary(),
            after.Where(p => p.Key.StartsWith("qformer.", StringComparison.Ordinal)).ToDictionary()), "the Q-Former did not change");
        // Before training the random Q-Former's ITC similarities do not depend on the caption (checked below).
        Assert.IsTrue(matching > other + 0.1, $"mean ITC similarity after training: matching {matching:F3}, mismatched {other:F3}");
    }

    private static bool SharesAWord(string a, string b) => a.Split(' ').Intersect(b.Split(' ')).Any();

    private static List<PairRow> Rows(IEnumerable<(string Path, string Caption)> items) =>
        [.. items.Select(i => new PairRow { ImagePath = i.Path, Caption = i.Caption })];

    public sealed record PairRow
    {
        public string ImagePath { get; set; } = string.Empty;

        public string Caption { get; set; } = string.Empty;
    }
}
