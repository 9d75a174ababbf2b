using System.Text.Json;
using Blip2.FineTune.Synthetic;
using Microsoft.ML;
using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Transforms;
using Microsoft.ML.Data;

namespace Blip2.Trainers.Tests.MLNet;

/// <summary>
/// What the estimators hand a fine-tuner (prompt and target ids from the checkpoint's tokenizer, preprocessed images)
/// and that the fitted transformer uses, saves and reloads the fine-tuned weights; no real training (fast).
/// </summary>
[TestClass]
public sealed class FineTuningInputPreparationTests
{
    private static TemporaryDirectory work = null!;
    private static string modelDirectory = null!;
    private static Dictionary<string, int> vocab = null!;
    private static List<QuestionRow> rows = null!;

    [ClassInitialize]
    public static void CreateModel(TestContext context)
    {
        work = new TemporaryDirectory();
        modelDirectory = Path.Combine(work.Path, "model");
        TinyModelDirectory.Write(modelDirectory, ["Question", ":", "Answer", "colour", "shape", .. ShapeImages.Colours, .. ShapeImages.Shapes], seed: 3);
        vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(modelDirectory, "vocab.json")))!;
        var images = ShapeImages.Write(Path.Combine(work.Path, "images"), perCombination: 1, seed: 9, TinyModelDirectory.ImageSize);
        rows = [.. images.Select(i => new QuestionRow { ImagePath = i.Path, Question = "colour", Answer = i.Caption.Split(' ')[0] })];
    }

    [ClassCleanup]
    public static void Cleanup() => work?.Dispose();

    [TestMethod]
    public void VqaFitHandsTheFineTunerTemplatedQuestionsAndAnswersAsTokenIds()
    {
        var ml = new MLContext(seed: 1);
        var fineTuner = new RecordingFineTuner(0.5f);
        using var fitted = ml.Transforms.Blip2AnswerQuestion(VqaOptions(fineTuner)).Fit(ml.Data.LoadFromEnumerable(rows));

        Assert.HasCount(rows.Count, fineTuner.Examples);
        // "Question: colour Answer:" as GPT-2 pre-tokenizes it, looked up in the vocab.json the test wrote.
        long[] expectedPrompt = [vocab["Question"], vocab[":"], vocab["Ġcolour"], vocab["ĠAnswer"], vocab[":"]];
        for (int i = 0; i < rows.Count; i++)
        {
            var example = fineTuner.Examples[i];
            CollectionAssert.AreEqual(new long[] { 3, TinyModelDirectory.ImageSize, TinyModelDirectory.ImageSize }, example.Shape);
            // Normalised with mean 0.5 and std 0.5: the PNG's bytes map into [-1, 1], shapes and background both occur.
            Assert.IsTrue(example.Min >= -1f && example.Max <= 1f && example.Max > example.Min, $"pixel range {example.Min}..{example.Max}");
            CollectionAssert.AreEqual(expectedPrompt, example.PromptIds, $"row {i} prompt ids");
            CollectionAssert.AreEqual(new long[] { vocab[rows[i].Answer] }, example.TargetIds, $"row {i} target ids");
        }
    }

    [TestMethod]
    public void TransformerUsesTheFineTunedWeightsAndDeltaZipReloadsThem()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var options = VqaOptions(new RecordingFineTuner(0.75f));
        options.WeightStorage = WeightStorage.DifferencesFromBase;
        options.BaseModelDirectory = modelDirectory;
        string zip = Path.Combine(work.Path, "delta.zip");
        List<string> expected;
        using (var fitted = ml.Transforms.Blip2AnswerQuestion(options).Fit(data))
        {
            using (var tuned = Blip2ForConditionalGeneration.FromPretrained(fitted.ModelDirectory))
                Assert.IsTrue(RecordingFineTuner.Values(tuned, RecordingFineTuner.GenerationParameter).All(b => b == 0.75f), "the transformer's model lacks the fine-tuned bias");
            expected = fitted.Transform(data).GetColumn<string>("Predicted").ToList();
            ml.Model.Save(fitted, data.Schema, zip);
        }

        long modelBytes = Directory.EnumerateFiles(modelDirectory, "*.safetensors").Sum(f => new FileInfo(f).Length);
        Assert.IsLessThan(modelBytes / 2, new FileInfo(zip).Length, "the delta zip should hold far less than the full weights");
        var fresh = new MLContext().UseBlip2();
        var loaded = fresh.Model.Load(zip, out _);
        try
        {
            CollectionAssert.AreEqual(expected, loaded.Transform(fresh.Data.LoadFromEnumerable(rows)).GetColumn<string>("Predicted").ToList());
        }
        finally
        {
            (loaded as IDisposable)?.Dispose();
        }
    }

    private static VqaEstimator.Options VqaOptions(RecordingFineTuner fineTuner) => new()
    {
        OutputColumnName = "Predicted",
        ImageColumnName = nameof(QuestionRow.ImagePath),
        QuestionColumnName = nameof(QuestionRow.Question),
        ModelDirectory = modelDirectory,
        LabelColumnName = nameof(QuestionRow.Answer),
        FineTuner = fineTuner,
        Generation = new GenerationOptions { MaxNewTokens = 3, NumBeams = 1 },
    };

    public sealed class QuestionRow
    {
        public string ImagePath { get; set; } = string.Empty;

        public string Question { get; set; } = string.Empty;

        public string Answer { get; set; } = string.Empty;
    }
}
