using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Transforms;

namespace Microsoft.ML.Blip2.Tests.Transforms;

[TestClass]
public sealed class CaptioningTransformTests
{
    private static readonly GenerationOptions Greedy = new() { MaxNewTokens = 6 };

    [TestMethod]
    public void LoadImagesThenCaption_EqualsTheDirectModelCall()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }));
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImagePathRow.ImagePath))
            .Append(ml.Transforms.Blip2Caption("Output", "Image", Blip2TestModels.Opt, generationOptions: Greedy, batchSize: 2));

        var fitted = pipeline.Fit(data);
        using var captioner = fitted.LastTransformer;
        var captions = ReadTexts(ml, fitted.Transform(data));

        var expected = DirectModelCalls.Generate(Blip2TestModels.Opt, DirectModelCalls.AsMLImages(Blip2TestModels.Images), null, Greedy, batchSize: 2);
        CollectionAssert.AreEqual(expected.Select(e => e.Text).ToArray(), captions);
        Assert.IsTrue(expected.Any(e => e.Text.Length > 0), "The tiny model should generate some text.");
    }

    [TestMethod]
    public void PathAndByteColumns_GiveTheCaptionsOfTheDecodedFiles()
    {
        var ml = new MLContext();
        var expected = DirectModelCalls.Generate(Blip2TestModels.Opt, DirectModelCalls.FromFiles(Blip2TestModels.Images), null, Greedy, batchSize: 3)
            .Select(e => e.Text).ToArray();

        var paths = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }));
        using var fromPaths = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), Blip2TestModels.Opt, generationOptions: Greedy, batchSize: 3).Fit(paths);
        CollectionAssert.AreEqual(expected, ReadTexts(ml, fromPaths.Transform(paths)));

        var bytes = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImageBytesRow { ImageBytes = File.ReadAllBytes(p) }));
        using var fromBytes = ml.Transforms.Blip2Caption("Output", nameof(ImageBytesRow.ImageBytes), Blip2TestModels.Opt, generationOptions: Greedy, batchSize: 3).Fit(bytes);
        CollectionAssert.AreEqual(expected, ReadTexts(ml, fromBytes.Transform(bytes)));
    }

    [TestMethod]
    public void NewStyleCheckpoint_CaptionsEqualTheLegacyCheckpointWithTheSameWeights()
    {
        // Golden semantics of opt_image_tokens: with [image token] * Q prepended, every output equals the legacy case.
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }));
        using var legacy = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), Blip2TestModels.Opt, prompt: "a", generationOptions: Greedy).Fit(data);
        using var newStyle = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), Blip2TestModels.OptImageTokens, prompt: "a", generationOptions: Greedy).Fit(data);
        using var newStyleNoPrompt = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), Blip2TestModels.OptImageTokens, generationOptions: Greedy).Fit(data);
        using var legacyNoPrompt = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), Blip2TestModels.Opt, generationOptions: Greedy).Fit(data);

        CollectionAssert.AreEqual(ReadTexts(ml, legacy.Transform(data)), ReadTexts(ml, newStyle.Transform(data)));
        CollectionAssert.AreEqual(ReadTexts(ml, legacyNoPrompt.Transform(data)), ReadTexts(ml, newStyleNoPrompt.Transform(data)));
        var expected = DirectModelCalls.Generate(Blip2TestModels.OptImageTokens, DirectModelCalls.FromFiles(Blip2TestModels.Images), ["a", "a", "a"], Greedy, batchSize: 8);
        CollectionAssert.AreEqual(expected.Select(e => e.Text).ToArray(), ReadTexts(ml, newStyle.Transform(data)));
    }

    [TestMethod]
    public void T5CheckpointWithPrompt_EqualsTheDirectModelCall()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }));
        using var transformer = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), Blip2TestModels.T5, prompt: "a photo of", generationOptions: Greedy, batchSize: 2).Fit(data);

        var expected = DirectModelCalls.Generate(Blip2TestModels.T5, DirectModelCalls.FromFiles(Blip2TestModels.Images), ["a photo of", "a photo of", "a photo of"], Greedy, batchSize: 2);
        CollectionAssert.AreEqual(expected.Select(e => e.Text).ToArray(), ReadTexts(ml, transformer.Transform(data)));
    }

    [TestMethod]
    public void OptionalColumns_HoldStatusTokenIdsAndSequenceScores()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }));
        foreach (var generation in new[] { Greedy, Greedy with { NumBeams = 3 } })
        {
            using var transformer = ml.Transforms.Blip2Caption(new ImageCaptioningEstimator.Options
            {
                ModelDirectory = Blip2TestModels.Opt,
                ImageColumnName = nameof(ImagePathRow.ImagePath),
                OutputColumnName = "Output",
                StatusColumnName = "Ok",
                TokenIdsColumnName = "Ids",
                SequenceScoreColumnName = "Score",
                Generation = generation,
                BatchSize = 2,
            }).Fit(data);
            var rows = ml.Data.CreateEnumerable<GeneratedDetailsRow>(transformer.Transform(data), reuseRowObject: false).ToArray();

            var expected = DirectModelCalls.Generate(Blip2TestModels.Opt, DirectModelCalls.FromFiles(Blip2TestModels.Images), null, generation, batchSize: 2);
            for (int i = 0; i < rows.Length; i++)
            {
                Assert.IsTrue(rows[i].Ok);
                Assert.AreEqual(expected[i].Text, rows[i].Output);
                CollectionAssert.AreEqual(expected[i].TokenIds, rows[i].Ids, $"row {i}");
                Assert.AreEqual(2L, rows[i].Ids[0], "Decoder-only rows start with BOS (2).");
                float expectedScore = generation.NumBeams > 1 ? expected[i].BeamScore : expected[i].MeanLogProb;
                Assert.AreEqual(expectedScore, rows[i].Score, 1e-5f, $"row {i}, beams {generation.NumBeams}");
                Assert.IsTrue(rows[i].Score < 0, "A log-probability is negative.");
            }
        }
    }

    internal static string[] ReadTexts(MLContext ml, IDataView data) =>
        ml.Data.CreateEnumerable<GeneratedTextRow>(data, reuseRowObject: false).Select(r => r.Output).ToArray();
}
