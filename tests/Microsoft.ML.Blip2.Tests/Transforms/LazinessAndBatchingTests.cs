using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Transforms;
using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Tests.Transforms;

[TestClass]
public sealed class LazinessAndBatchingTests
{
    private static readonly GenerationOptions Greedy = new() { MaxNewTokens = 4 };

    [TestMethod]
    public void FitTransformAndPassThroughReads_RunNoModelCall()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }).ToList());
        using var transformer = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), Blip2TestModels.Opt, generationOptions: Greedy, batchSize: 2).Fit(data);
        var output = transformer.Transform(data);
        Assert.AreEqual(0, transformer.ModelRunCount, "Fit and Transform run nothing.");

        var paths = ml.Data.CreateEnumerable<ImagePathRow>(output, reuseRowObject: false).Select(r => r.ImagePath).ToArray();
        CollectionAssert.AreEqual(Blip2TestModels.Images.ToArray(), paths);

        using (var cursor = output.GetRowCursor(output.Schema))
        {
            // Every column active, but the output getter never called.
            while (cursor.MoveNext())
            {
            }
        }

        Assert.AreEqual(0, transformer.ModelRunCount, "Reading only pass-through columns runs nothing.");
        Assert.AreEqual(3L, output.GetRowCount(), "The row count of the input passes through.");
    }

    [TestMethod]
    public void BatchSizeTwoOverThreeRows_RunsTwoModelCalls_EachOnFirstRead()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }));
        using var transformer = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), Blip2TestModels.Opt, generationOptions: Greedy, batchSize: 2).Fit(data);
        var output = transformer.Transform(data);
        var expected = DirectModelCalls.Generate(Blip2TestModels.Opt, DirectModelCalls.FromFiles(Blip2TestModels.Images), null, Greedy, batchSize: 2);

        using var cursor = output.GetRowCursor([output.Schema["Output"]]);
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(output.Schema["Output"]);
        var runsAfterRow = new List<int>();
        var texts = new List<string>();
        while (cursor.MoveNext())
        {
            ReadOnlyMemory<char> value = default;
            getter(ref value);
            getter(ref value); // a second read of the same row runs nothing
            texts.Add(value.ToString());
            runsAfterRow.Add(transformer.ModelRunCount);
        }

        CollectionAssert.AreEqual(new[] { 1, 1, 2 }, runsAfterRow, "Row 0 runs rows 0-1, row 2 runs the last batch.");
        CollectionAssert.AreEqual(expected.Select(e => e.Text).ToArray(), texts);
    }

    [TestMethod]
    public void SkippedRows_AreNotComputedUnlessTheirBatchIsRead()
    {
        var ml = new MLContext();
        var paths = Enumerable.Repeat(Blip2TestModels.Images, 2).SelectMany(p => p).ToArray(); // 6 rows
        var data = ml.Data.LoadFromEnumerable(paths.Select(p => new ImagePathRow { ImagePath = p }));
        using var transformer = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), Blip2TestModels.Opt, generationOptions: Greedy, batchSize: 2).Fit(data);
        var output = transformer.Transform(data);
        var all = CaptioningTransformTests.ReadTexts(ml, output);
        int runsForAll = transformer.ModelRunCount;

        using var cursor = output.GetRowCursor([output.Schema["Output"]]);
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(output.Schema["Output"]);
        ReadOnlyMemory<char> value = default;
        for (int row = 0; cursor.MoveNext(); row++)
        {
            if (row == 5)
                getter(ref value); // only the last row, in the third batch
        }

        Assert.AreEqual(3, runsForAll);
        Assert.AreEqual(runsForAll + 1, transformer.ModelRunCount, "Only the batch of the row read runs.");
        Assert.AreEqual(all[5], value.ToString());
    }

    [TestMethod]
    public void PredictionEngine_EqualsTheDirectModelCallForOneImage()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }));
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImagePathRow.ImagePath))
            .Append(ml.Transforms.Blip2Caption("Output", "Image", Blip2TestModels.Opt, generationOptions: Greedy));
        var model = pipeline.Fit(data);
        using var captioner = model.LastTransformer;
        using var engine = ml.Model.CreatePredictionEngine<ImagePathRow, GeneratedTextRow>(model);

        var predicted = Blip2TestModels.Images.Select(p => engine.Predict(new ImagePathRow { ImagePath = p }).Output).ToArray();

        var expected = DirectModelCalls.Generate(Blip2TestModels.Opt, DirectModelCalls.AsMLImages(Blip2TestModels.Images), null, Greedy, batchSize: 1);
        CollectionAssert.AreEqual(expected.Select(e => e.Text).ToArray(), predicted);
        Assert.AreEqual(3, captioner.ModelRunCount, "One model call per prediction.");
    }

    [TestMethod]
    public void OwningPredictionEngine_DisposesTheTransformer_AndLaterUseSaysWhy()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }));
        var captioner = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), Blip2TestModels.Opt, generationOptions: Greedy).Fit(data);
        using (var engine = ml.Model.CreatePredictionEngine<ImagePathRow, GeneratedTextRow>(captioner))
            engine.Predict(new ImagePathRow { ImagePath = Blip2TestModels.Images[0] });

        var error = Assert.ThrowsExactly<ObjectDisposedException>(() => CaptioningTransformTests.ReadTexts(ml, captioner.Transform(data)));
        StringAssert.Contains(error.Message, "OwnsTransformer = false");
        captioner.Dispose(); // disposing again is harmless
    }

    [TestMethod]
    public void OutputSchema_AddsTypedColumnsAndHidesASameNamedInput()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImageTextRow { ImagePath = p, Text = "a" }));
        var estimator = ml.Transforms.Blip2Caption(new ImageCaptioningEstimator.Options
        {
            ModelDirectory = Blip2TestModels.Opt,
            ImageColumnName = nameof(ImageTextRow.ImagePath),
            OutputColumnName = nameof(ImageTextRow.Text),
            StatusColumnName = "Ok",
            TokenIdsColumnName = "Ids",
            SequenceScoreColumnName = "Score",
        });

        var shape = estimator.GetOutputSchema(SchemaShapes.Of<ImageTextRow>(ml));
        using var transformer = estimator.Fit(data);
        var schema = transformer.GetOutputSchema(data.Schema);

        Assert.AreEqual(TextDataViewType.Instance, schema[nameof(ImageTextRow.Text)].Type);
        Assert.AreEqual(BooleanDataViewType.Instance, schema["Ok"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Int64), schema["Ids"].Type);
        Assert.AreEqual(NumberDataViewType.Single, schema["Score"].Type);
        Assert.AreEqual(2, schema.Count(c => c.Name == nameof(ImageTextRow.Text)), "The input Text column stays, hidden.");
        Assert.IsTrue(schema.Single(c => c.Name == nameof(ImageTextRow.Text) && c.Index < 2).IsHidden);
        foreach (string name in new[] { "Ok", "Ids", "Score", nameof(ImageTextRow.Text), nameof(ImageTextRow.ImagePath) })
            Assert.IsTrue(shape.Any(c => c.Name == name), $"The estimator's shape has {name}.");
        Assert.AreEqual(SchemaShape.Column.VectorKind.VariableVector, shape.Single(c => c.Name == "Ids").Kind);
        Assert.AreEqual(0, transformer.ModelRunCount);
    }
}
