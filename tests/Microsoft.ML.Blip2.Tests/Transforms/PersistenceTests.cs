using System.IO.Compression;
using Microsoft.ML.Data;
using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.IO;
using Microsoft.ML.Blip2.Transforms;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Tests.Transforms;

[TestClass]
public sealed class PersistenceTests
{
    private static readonly GenerationOptions Greedy = new() { MaxNewTokens = 5 };

    [TestMethod]
    public void SavedPipeline_LoadsInAFreshContext_WithIdenticalOutputs()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }));
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImagePathRow.ImagePath))
            .Append(ml.Transforms.Blip2Caption(DetailedCaptioning(Blip2TestModels.Opt, "Image")));
        var model = pipeline.Fit(data);
        using var original = model.LastTransformer;
        var expected = ReadDetails(ml, model.Transform(data));
        string zip = Path.Combine(Blip2TestModels.NewFolder("pipeline-zip"), "captioner.zip");
        ml.Model.Save(model, data.Schema, zip);

        var fresh = new MLContext().UseBlip2();
        var loaded = fresh.Model.Load(zip, out var inputSchema);
        var actual = ReadDetails(fresh, loaded.Transform(fresh.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }))));

        AssertSameDetails(expected, actual);
        Assert.IsNotNull(inputSchema.GetColumnOrNull(nameof(ImagePathRow.ImagePath)));
        var captioner = ((TransformerChain<ITransformer>)loaded).OfType<ImageCaptioningTransformer>().Single();
        using (captioner)
        {
            Assert.AreEqual(2, captioner.Options.BatchSize);
            Assert.AreEqual(5, captioner.Options.Generation!.MaxNewTokens);
            Assert.AreNotEqual(Blip2TestModels.Opt, captioner.ModelDirectory, "A loaded transformer runs from the files in the zip.");
        }
    }

    [TestMethod]
    public void SavedVqaAndMatchingTransformers_RoundTrip()
    {
        var ml = new MLContext();
        var fresh = new MLContext().UseBlip2();
        string folder = Blip2TestModels.NewFolder("single-zips");

        var questions = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select((p, i) => new ImageTextRow { ImagePath = p, Text = new[] { "a", "the", "is" }[i] }).ToArray());
        using var vqa = ml.Transforms.Blip2AnswerQuestion("Output", nameof(ImageTextRow.ImagePath), nameof(ImageTextRow.Text), Blip2TestModels.T5,
            promptTemplate: "{0} of", generationOptions: Greedy, batchSize: 2).Fit(questions);
        ml.Model.Save(vqa, questions.Schema, Path.Combine(folder, "vqa.zip"));
        var loadedVqa = (VqaTransformer)fresh.Model.Load(Path.Combine(folder, "vqa.zip"), out _);
        using (loadedVqa)
        {
            CollectionAssert.AreEqual(CaptioningTransformTests.ReadTexts(ml, vqa.Transform(questions)), CaptioningTransformTests.ReadTexts(fresh, loadedVqa.Transform(questions)));
            Assert.AreEqual("{0} of", loadedVqa.Options.PromptTemplate);
        }

        var pairs = ml.Data.LoadFromEnumerable(ImageTextMatchingTransformTests.Rows());
        using var itc = ml.Transforms.Blip2MatchImageText("Output", nameof(ImageTextRow.ImagePath), nameof(ImageTextRow.Text), Blip2TestModels.Itm, ImageTextMatchingMode.Itc).Fit(pairs);
        ml.Model.Save(itc, pairs.Schema, Path.Combine(folder, "itc.zip"));
        var loadedItc = (ImageTextMatchingTransformer)fresh.Model.Load(Path.Combine(folder, "itc.zip"), out _);
        using (loadedItc)
        {
            CollectionAssert.AreEqual(ImageTextMatchingTransformTests.ReadScores(ml, itc.Transform(pairs)), ImageTextMatchingTransformTests.ReadScores(fresh, loadedItc.Transform(pairs)));
            Assert.AreEqual(ImageTextMatchingMode.Itc, loadedItc.Options.Mode);
        }
    }

    [TestMethod]
    public void SavedZip_StoresTheModelFilesUncompressed()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }));
        using var transformer = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), Blip2TestModels.Opt).Fit(data);
        string zip = Path.Combine(Blip2TestModels.NewFolder("stored-zip"), "model.zip");
        ml.Model.Save(transformer, data.Schema, zip);

        var entries = ZipCentralDirectory.Read(zip);
        var ours = entries.Where(e => e.Name.Contains("/Blip2/", StringComparison.Ordinal)).ToList();
        var weights = ours.Single(e => e.Name.EndsWith("/files/model.safetensors", StringComparison.Ordinal));
        Assert.AreEqual(0, weights.CompressionMethod, "Weights are stored, not deflated.");
        Assert.AreEqual(new FileInfo(Path.Combine(Blip2TestModels.Opt, "model.safetensors")).Length, weights.UncompressedSize);
        Assert.AreEqual(weights.UncompressedSize, weights.CompressedSize);
        Assert.IsTrue(ours.All(e => e.CompressionMethod == 0), "Every BLIP-2 entry is stored: " + string.Join(", ", ours.Where(e => e.CompressionMethod != 0).Select(e => e.Name)));
        foreach (string file in new[] { "config.json", "generation_config.json", "preprocessor_config.json", "tokenizer_config.json", "vocab.json", "merges.txt" })
            Assert.IsTrue(ours.Any(e => e.Name.EndsWith("/files/" + file, StringComparison.Ordinal)), $"The zip holds {file}.");
        Assert.IsTrue(ours.Any(e => e.Name.EndsWith("/Blip2/manifest.json", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void LoadWithoutUseBlip2_FailsWithAMessageThatSaysWhatToCall()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }));
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImagePathRow.ImagePath))
            .Append(ml.Transforms.Blip2Caption("Output", "Image", Blip2TestModels.Opt));
        var model = pipeline.Fit(data);
        using var captioner = model.LastTransformer;
        string folder = Blip2TestModels.NewFolder("unregistered");
        ml.Model.Save(model, data.Schema, Path.Combine(folder, "pipeline.zip"));
        ml.Model.Save(captioner, data.Schema, Path.Combine(folder, "single.zip"));

        foreach (string zip in new[] { "pipeline.zip", "single.zip" })
        {
            var error = ExceptionChain.Find<InvalidOperationException>(() => new MLContext().Model.Load(Path.Combine(folder, zip), out _));
            StringAssert.Contains(error.Message, "mlContext.UseBlip2()");
        }

        // The same context works once registered; registering twice is harmless.
        var context = new MLContext().UseBlip2().UseBlip2();
        var loaded = context.Model.Load(Path.Combine(folder, "single.zip"), out _);
        ((IDisposable)loaded).Dispose();
    }

    [TestMethod]
    public void DifferencesFromBase_StoreOnlyChangedTensors_AndLoadingVerifiesTheBase()
    {
        string baseDirectory = Blip2TestModels.CopyOf(Blip2TestModels.Opt, "delta-base");
        string tuned = Blip2TestModels.CopyOf(Blip2TestModels.Opt, "delta-tuned");
        RewriteWeights(tuned, "qformer.layernorm.weight", 0.25f);
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }));
        var options = DetailedCaptioning(tuned, nameof(ImagePathRow.ImagePath));
        options.WeightStorage = WeightStorage.DifferencesFromBase;
        options.BaseModelDirectory = baseDirectory;
        using var transformer = ml.Transforms.Blip2Caption(options).Fit(data);
        var expected = ReadDetails(ml, transformer.Transform(data));
        using (var untuned = ml.Transforms.Blip2Caption(DetailedCaptioning(baseDirectory, nameof(ImagePathRow.ImagePath))).Fit(data))
            Assert.IsFalse(ReadDetails(ml, untuned.Transform(data)).Select(r => r.Score).SequenceEqual(expected.Select(r => r.Score)), "The change must matter.");
        string folder = Blip2TestModels.NewFolder("delta-zip");
        string deltaZip = Path.Combine(folder, "delta.zip");
        ml.Model.Save(transformer, data.Schema, deltaZip);

        var entries = ZipCentralDirectory.Read(deltaZip);
        Assert.IsFalse(entries.Any(e => e.Name.EndsWith("model.safetensors", StringComparison.Ordinal)), "No full weights in a delta zip.");
        var delta = entries.Single(e => e.Name.EndsWith(".safetensors", StringComparison.Ordinal));
        Assert.AreEqual(0, delta.CompressionMethod);
        string deltaFile = Path.Combine(folder, "delta.safetensors");
        using (var archive = ZipFile.OpenRead(deltaZip))
            archive.GetEntry(delta.Name)!.ExtractToFile(deltaFile);
        CollectionAssert.AreEqual(new[] { "qformer.layernorm.weight" }, SafetensorsFile.ReadHeader(deltaFile).Tensors.Select(t => t.Name).ToArray());

        var fresh = new MLContext().UseBlip2();
        var loaded = (ImageCaptioningTransformer)fresh.Model.Load(deltaZip, out _);
        using (loaded)
        {
            AssertSameDetails(expected, ReadDetails(fresh, loaded.Transform(data)));
            // Saved again, the loaded model (base + delta) gives the same delta.
            Assert.AreEqual(WeightStorage.DifferencesFromBase, loaded.Options.WeightStorage);
            fresh.Model.Save(loaded, data.Schema, Path.Combine(folder, "again.zip"));
        }

        var again = (ImageCaptioningTransformer)new MLContext().UseBlip2().Model.Load(Path.Combine(folder, "again.zip"), out _);
        using (again)
            AssertSameDetails(expected, ReadDetails(ml, again.Transform(data)));

        RewriteWeights(baseDirectory, "language_projection.bias", 1f);
        var error = ExceptionChain.Find<InvalidDataException>(() => new MLContext().UseBlip2().Model.Load(deltaZip, out _));
        StringAssert.Contains(error.Message, "fingerprint");
        StringAssert.Contains(error.Message, baseDirectory);
    }

    [TestMethod]
    public void ModelFilesChangedAfterFit_AreNotSavedSilently()
    {
        string directory = Blip2TestModels.CopyOf(Blip2TestModels.Opt, "changed");
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }));
        using var transformer = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), directory).Fit(data);
        RewriteWeights(directory, "language_projection.bias", 1f);

        var error = ExceptionChain.Find<InvalidOperationException>(() =>
            ml.Model.Save(transformer, data.Schema, Path.Combine(Blip2TestModels.NewFolder("changed-zip"), "model.zip")));
        StringAssert.Contains(error.Message, "model.safetensors");
    }

    internal static ImageCaptioningEstimator.Options DetailedCaptioning(string modelDirectory, string imageColumn) => new()
    {
        ModelDirectory = modelDirectory,
        ImageColumnName = imageColumn,
        OutputColumnName = "Output",
        StatusColumnName = "Ok",
        TokenIdsColumnName = "Ids",
        SequenceScoreColumnName = "Score",
        Generation = Greedy,
        BatchSize = 2,
    };

    internal static GeneratedDetailsRow[] ReadDetails(MLContext ml, IDataView data) =>
        ml.Data.CreateEnumerable<GeneratedDetailsRow>(data, reuseRowObject: false).ToArray();

    internal static void AssertSameDetails(GeneratedDetailsRow[] expected, GeneratedDetailsRow[] actual)
    {
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i].Output, actual[i].Output, $"row {i}");
            Assert.AreEqual(expected[i].Ok, actual[i].Ok, $"row {i}");
            CollectionAssert.AreEqual(expected[i].Ids, actual[i].Ids, $"row {i}");
            Assert.AreEqual(expected[i].Score, actual[i].Score, $"row {i}");
        }
    }

    /// <summary>Rewrites <c>model.safetensors</c> of <paramref name="directory"/> with <paramref name="delta"/> added to one tensor.</summary>
    internal static void RewriteWeights(string directory, string tensorName, float delta)
    {
        string path = Path.Combine(directory, "model.safetensors");
        var tensors = new Dictionary<string, Tensor>();
        using (var checkpoint = SafetensorsCheckpoint.Open(path))
        {
            foreach (string name in checkpoint.Names)
                tensors[name] = checkpoint.LoadTensorCopy(name);
        }

        tensors[tensorName].add_(delta);
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var tensor in tensors.Values)
            tensor.Dispose();
    }
}
