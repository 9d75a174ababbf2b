using Blip2.FineTune.Synthetic;
using Blip2.Trainers.MLNet;
using Microsoft.ML;
using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Transforms;
using Microsoft.ML.Data;

namespace Blip2.Trainers.Tests.MLNet;

/// <summary>
/// Fine-tuning through ML.NET: PNG files + <c>LoadImages</c> + <c>Blip2Caption(…, labelColumnName, options)</c>; the
/// tiny model directory (random frozen ViT and OPT, byte-level BPE tokenizer over the caption words) learns the
/// synthetic coloured-shapes captions. One pipeline is fitted for the whole class (about 10 s).
/// </summary>
[TestClass]
public sealed class CaptionFineTuningPipelineTests
{
    private static TemporaryDirectory work = null!;
    private static string modelDirectory = null!;
    private static List<ImageRow> train = null!, heldOut = null!;
    private static MLContext mlContext = null!;
    private static TransformerChain<ImageCaptioningTransformer> fitted = null!;
    private static QFormerFineTuner fineTuner = null!;
    private static readonly System.Collections.Concurrent.ConcurrentQueue<LoggingEventArgs> log = new();
    private static readonly GenerationOptions Greedy = new() { MaxNewTokens = 4, NumBeams = 1 };

    [ClassInitialize]
    public static void FitOnce(TestContext context)
    {
        work = new TemporaryDirectory();
        modelDirectory = Path.Combine(work.Path, "model");
        TinyModelDirectory.Write(modelDirectory, [.. ShapeImages.Colours, .. ShapeImages.Shapes], seed: 4);
        train = Rows(ShapeImages.Write(Path.Combine(work.Path, "train"), perCombination: 24, seed: 1, TinyModelDirectory.ImageSize));
        heldOut = Rows(ShapeImages.Write(Path.Combine(work.Path, "held-out"), perCombination: 6, seed: 2, TinyModelDirectory.ImageSize));
        mlContext = new MLContext(seed: 1);
        mlContext.Log += (_, e) => log.Enqueue(e);
        fineTuner = new QFormerFineTuner(new QFormerTrainingOptions
        {
            LearningRate = 3e-3,
            WeightDecay = 0.01,
            WarmupSteps = 10,
            BatchSize = 12,
            Epochs = 60,
            CacheImageFeatures = true,
            Seed = 5,
        });
        var options = CaptionOptions();
        options.LabelColumnName = nameof(ImageRow.Caption);
        options.FineTuner = fineTuner;
        fitted = LoadImages(mlContext).Append(mlContext.Transforms.Blip2Caption(options)).Fit(mlContext.Data.LoadFromEnumerable(train));
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        fitted?.Dispose();
        work?.Dispose();
    }

    [TestMethod]
    public void HeldOutExactMatchRisesFromChanceToAtLeast90Percent()
    {
        var heldOutData = mlContext.Data.LoadFromEnumerable(heldOut);
        double before;
        using (var untrained = LoadImages(mlContext).Append(mlContext.Transforms.Blip2Caption(CaptionOptions())).Fit(heldOutData))
            before = ExactMatch(untrained.Transform(heldOutData));
        double after = ExactMatch(fitted.Transform(heldOutData));

        string summary = $"held-out exact match {before:P1} -> {after:P1}; loss {fineTuner.LastResult!.LossHistory[0]:F3} -> {fineTuner.LastResult.FinalLoss:F3}";
        Console.WriteLine(summary);
        // 9 equally likely captions: chance is 1/9.
        Assert.IsTrue(before < 0.25, summary);
        Assert.IsTrue(after >= 0.9, summary);
    }

    [TestMethod]
    public void FitLogsPreparationProgressAndOutcomeToTheMLContextLog()
    {
        var messages = log.Where(e => e.Source.Contains(nameof(ImageCaptioningEstimator), StringComparison.Ordinal)).ToList();
        var info = messages.Where(e => e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Info).Select(e => e.RawMessage).ToList();
        var trace = messages.Where(e => e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Trace).Select(e => e.RawMessage).ToList();
        long steps = fineTuner.LastResult!.Steps;
        Assert.IsTrue(info.Any(m => m.StartsWith($"Prepared {train.Count} training rows", StringComparison.Ordinal)), string.Join("\n", info));
        Assert.IsTrue(info.Any(m => m.StartsWith($"step 1/{steps} epoch 0: loss ", StringComparison.Ordinal)), "first step at info");
        Assert.IsTrue(info.Any(m => m.StartsWith($"step {steps}/{steps} ", StringComparison.Ordinal)), "last step at info");
        Assert.IsTrue(trace.Any(m => m.StartsWith($"step 2/{steps} ", StringComparison.Ordinal)), "other steps at trace");
        Assert.IsTrue(info.Any(m => m.StartsWith($"Fine-tuning completed after {steps}/{steps} steps", StringComparison.Ordinal)), "outcome");
        Assert.IsTrue(info.Any(m => m.StartsWith("Fine-tuned model written to ", StringComparison.Ordinal)), "result folder");
        Assert.IsLessThan(20, info.Count(m => m.StartsWith("step ", StringComparison.Ordinal)), "info is kept to milestones");
    }

    [TestMethod]
    public void FrozenParametersAreBitIdenticalAndTrainableOnesChanged()
    {
        using var original = Blip2ForConditionalGeneration.FromPretrained(modelDirectory);
        using var tuned = Blip2ForConditionalGeneration.FromPretrained(fitted.LastTransformer.ModelDirectory);
        var before = ModelSnapshot.Take(original);
        var after = ModelSnapshot.Take(tuned);
        CollectionAssert.AreEquivalent(before.Keys.ToList(), after.Keys.ToList());
        static bool Frozen(string name) => name.StartsWith("vision_model.", StringComparison.Ordinal) || name.StartsWith("language_model.", StringComparison.Ordinal);
        foreach (var (name, values) in before.Where(p => Frozen(p.Key)))
            CollectionAssert.AreEqual(values, after[name], $"frozen parameter {name} changed");
        foreach (string name in new[] { "query_tokens", "language_projection.weight", "qformer.encoder.layer.0.crossattention.attention.query.weight" })
            CollectionAssert.AreNotEqual(before[name], after[name], $"trainable parameter {name} did not change");
    }

    [TestMethod]
    public void SavedZipLoadsInAFreshContextWithIdenticalOutputs()
    {
        string zip = Path.Combine(work.Path, "fitted.zip");
        var trainData = mlContext.Data.LoadFromEnumerable(train);
        mlContext.Model.Save(fitted, trainData.Schema, zip);
        var expected = fitted.Transform(mlContext.Data.LoadFromEnumerable(heldOut)).GetColumn<string>("Predicted").ToList();

        var fresh = new MLContext().UseBlip2();
        var loaded = fresh.Model.Load(zip, out _);
        try
        {
            var actual = loaded.Transform(fresh.Data.LoadFromEnumerable(heldOut)).GetColumn<string>("Predicted").ToList();
            CollectionAssert.AreEqual(expected, actual);
        }
        finally
        {
            (loaded as IDisposable)?.Dispose();
        }
    }

    [TestMethod]
    public void MissingLabelColumnIsNamed()
    {
        var options = CaptionOptions();
        options.LabelColumnName = "NoSuchColumn";
        options.FineTuner = fineTuner;
        var pipeline = LoadImages(mlContext).Append(mlContext.Transforms.Blip2Caption(options));
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => pipeline.Fit(mlContext.Data.LoadFromEnumerable(train.Take(3))));
        StringAssert.Contains(e.Message, "NoSuchColumn");
    }

    [TestMethod]
    public void NonTextLabelColumnIsNamedWithItsType()
    {
        var rows = train.Take(3).Select(r => new NumericLabelRow { ImagePath = r.ImagePath, Score = 1 });
        var options = CaptionOptions();
        options.LabelColumnName = nameof(NumericLabelRow.Score);
        options.FineTuner = fineTuner;
        var pipeline = LoadImages(mlContext).Append(mlContext.Transforms.Blip2Caption(options));
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => pipeline.Fit(mlContext.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "Score");
        StringAssert.Contains(e.Message, "Single");
    }

    [TestMethod]
    public void GetOutputSchemaNamesAMissingLabelColumn()
    {
        var options = CaptionOptions();
        options.ImageColumnName = nameof(ImageRow.ImagePath);
        options.LabelColumnName = "Target";
        options.FineTuner = fineTuner;
        var estimator = mlContext.Transforms.Blip2Caption(options);
        // SchemaShape.Create is internal to ML.NET: an empty custom mapping yields the row class's shape.
        var rows = mlContext.Transforms.CustomMapping<NoColumns, ImageRow>((_, _) => { }, contractName: null).GetOutputSchema(new SchemaShape([]));
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(rows));
        StringAssert.Contains(e.Message, "label column 'Target'");
    }

    [TestMethod]
    public void LabelWithoutFineTunerIsRejected()
    {
        var options = CaptionOptions();
        options.LabelColumnName = nameof(ImageRow.Caption);
        var e = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Transforms.Blip2Caption(options));
        StringAssert.Contains(e.Message, "FineTuner");
    }

    [TestMethod]
    public void CancelledTokenStopsFit()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var options = CaptionOptions();
        options.LabelColumnName = nameof(ImageRow.Caption);
        options.FineTuner = fineTuner;
        options.FineTuningCancellation = cancelled.Token;
        var pipeline = LoadImages(mlContext).Append(mlContext.Transforms.Blip2Caption(options));
        Assert.ThrowsExactly<OperationCanceledException>(() => pipeline.Fit(mlContext.Data.LoadFromEnumerable(train.Take(3))));
    }

    private static ImageCaptioningEstimator.Options CaptionOptions() => new()
    {
        OutputColumnName = "Predicted",
        ImageColumnName = "Image",
        ModelDirectory = modelDirectory,
        Generation = Greedy,
    };

    private static EstimatorChain<ImageLoadingTransformer> LoadImages(MLContext context) =>
        new EstimatorChain<ITransformer>().Append(context.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImageRow.ImagePath)));

    private static double ExactMatch(IDataView predictions)
    {
        var predicted = predictions.GetColumn<string>("Predicted").ToList();
        return predicted.Zip(heldOut, (p, row) => p == row.Caption).Count(x => x) / (double)heldOut.Count;
    }

    private static List<ImageRow> Rows(IEnumerable<(string Path, string Caption)> items) =>
        [.. items.Select(i => new ImageRow { ImagePath = i.Path, Caption = i.Caption })];

    public sealed class ImageRow
    {
        public string ImagePath { get; set; } = string.Empty;

        public string Caption { get; set; } = string.Empty;
    }

    public sealed class NoColumns
    {
    }

    public sealed class NumericLabelRow
    {
        public string ImagePath { get; set; } = string.Empty;

        public float Score { get; set; }
    }
}
