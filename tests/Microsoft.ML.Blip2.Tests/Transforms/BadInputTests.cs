using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Transforms;

namespace Microsoft.ML.Blip2.Tests.Transforms;

[TestClass]
public sealed class BadInputTests
{
    private static readonly GenerationOptions Greedy = new() { MaxNewTokens = 3 };

    public sealed class NumberRow
    {
        public float ImagePath { get; set; }

        public float Text { get; set; }
    }

    [TestMethod]
    public void MissingImageColumn_IsRejectedByEveryEntryPoint_NamingTheColumn()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new ImagePathRow { ImagePath = Blip2TestModels.Images[0] } });
        var estimator = ml.Transforms.Blip2Caption("Output", "Picture", Blip2TestModels.Opt);

        AssertNamesColumn(() => estimator.GetOutputSchema(SchemaShapes.Of<ImagePathRow>(ml)), "Picture");
        AssertNamesColumn(() => estimator.Fit(data), "Picture");

        using var transformer = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), Blip2TestModels.Opt).Fit(data);
        var other = ml.Data.LoadFromEnumerable(new[] { new ImageBytesRow() });
        AssertNamesColumn(() => transformer.GetOutputSchema(other.Schema), nameof(ImagePathRow.ImagePath));
        AssertNamesColumn(() => transformer.Transform(other), nameof(ImagePathRow.ImagePath));
        AssertNamesColumn(() => transformer.GetRowToRowMapper(other.Schema), nameof(ImagePathRow.ImagePath));
    }

    [TestMethod]
    public void ColumnsOfTheWrongType_AreRejected_NamingColumnAndTypes()
    {
        var ml = new MLContext();
        var numbers = ml.Data.LoadFromEnumerable(new[] { new NumberRow() });
        var caption = ml.Transforms.Blip2Caption("Output", nameof(NumberRow.ImagePath), Blip2TestModels.Opt);
        var error = AssertNamesColumn(() => caption.Fit(numbers), nameof(NumberRow.ImagePath));
        StringAssert.Contains(error.Message, "MLImage");
        AssertNamesColumn(() => caption.GetOutputSchema(SchemaShapes.Of<NumberRow>(ml)), nameof(NumberRow.ImagePath));

        var paths = ml.Data.LoadFromEnumerable(new[] { new ImagePathRow { ImagePath = Blip2TestModels.Images[0] } });
        var mixed = ml.Transforms.CustomMapping<ImagePathRow, NumberTextRow>((input, output) => output.Text = 1, contractName: null);
        var withNumberText = mixed.Fit(paths).Transform(paths);
        var vqa = ml.Transforms.Blip2AnswerQuestion("Output", nameof(ImagePathRow.ImagePath), nameof(NumberRow.Text), Blip2TestModels.Opt);
        AssertNamesColumn(() => vqa.Fit(withNumberText), nameof(NumberRow.Text));
        var match = ml.Transforms.Blip2MatchImageText("Output", nameof(ImagePathRow.ImagePath), "Missing", Blip2TestModels.Itm);
        AssertNamesColumn(() => match.Fit(paths), "Missing");
    }

    [TestMethod]
    [DataRow("config.json")]
    [DataRow("model.safetensors")]
    [DataRow("preprocessor_config.json")]
    public void MissingModelFile_IsNamed_ByGetOutputSchemaAndFit(string file)
    {
        string directory = Blip2TestModels.CopyOf(Blip2TestModels.Opt, "missing-" + file);
        File.Delete(Path.Combine(directory, file));
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new ImagePathRow { ImagePath = Blip2TestModels.Images[0] } });
        var estimator = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), directory);

        var fromSchema = Assert.ThrowsExactly<FileNotFoundException>(() => estimator.GetOutputSchema(SchemaShapes.Of<ImagePathRow>(ml)));
        var fromFit = Assert.ThrowsExactly<FileNotFoundException>(() => estimator.Fit(data));
        StringAssert.Contains(fromSchema.Message, file);
        StringAssert.Contains(fromFit.Message, file);
    }

    [TestMethod]
    public void MissingTokenizerAndDirectory_AreNamed()
    {
        string directory = Blip2TestModels.CopyOf(Blip2TestModels.Opt, "no-tokenizer");
        foreach (string file in new[] { "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "vocab.json", "merges.txt" })
            File.Delete(Path.Combine(directory, file));
        var ml = new MLContext();
        var shape = SchemaShapes.Of<ImagePathRow>(ml);
        var error = Assert.ThrowsExactly<FileNotFoundException>(() => ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), directory).GetOutputSchema(shape));
        StringAssert.Contains(error.Message, "tokenizer");

        string nowhere = Path.Combine(directory, "does-not-exist");
        var missing = Assert.ThrowsExactly<DirectoryNotFoundException>(() => ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), nowhere).GetOutputSchema(shape));
        StringAssert.Contains(missing.Message, nowhere);
    }

    [TestMethod]
    public void BadImageRow_FailsByDefault_WithTheRowIndexAndReason()
    {
        var (ml, data) = RowsWithBadImages();
        using var transformer = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), Blip2TestModels.Opt, generationOptions: Greedy, batchSize: 1).Fit(data);
        var output = transformer.Transform(data);

        using var cursor = output.GetRowCursor([output.Schema["Output"]]);
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(output.Schema["Output"]);
        ReadOnlyMemory<char> text = default;
        Assert.IsTrue(cursor.MoveNext());
        getter(ref text); // row 0 is fine
        Assert.IsTrue(cursor.MoveNext());
        var error = Assert.ThrowsExactly<ImageRowException>(() => getter(ref text));
        Assert.AreEqual(1L, error.RowIndex);
        Assert.AreEqual(nameof(ImagePathRow.ImagePath), error.ColumnName);
        StringAssert.Contains(error.Message, "Row 1");
        StringAssert.Contains(error.Reason, "corrupt.jpg");
        Assert.IsInstanceOfType<Microsoft.ML.Blip2.Processing.ImageDecodingException>(error.InnerException);
    }

    [TestMethod]
    public void BadImageRows_WithFailOnBadImageOff_GiveEmptyOutputAndFalseStatus()
    {
        var (ml, data) = RowsWithBadImages();
        using var transformer = ml.Transforms.Blip2Caption(new ImageCaptioningEstimator.Options
        {
            ModelDirectory = Blip2TestModels.Opt,
            ImageColumnName = nameof(ImagePathRow.ImagePath),
            OutputColumnName = "Output",
            StatusColumnName = "Ok",
            TokenIdsColumnName = "Ids",
            SequenceScoreColumnName = "Score",
            FailOnBadImage = false,
            Generation = Greedy,
            BatchSize = 4,
        }).Fit(data);

        var rows = PersistenceTests.ReadDetails(ml, transformer.Transform(data));

        CollectionAssert.AreEqual(new[] { true, false, false, false }, rows.Select(r => r.Ok).ToArray());
        var expected = DirectModelCalls.Generate(Blip2TestModels.Opt, DirectModelCalls.FromFiles([Blip2TestModels.Images[0]]), null, Greedy, batchSize: 1)[0];
        Assert.AreEqual(expected.Text, rows[0].Output, "The good row is computed as if alone.");
        foreach (var bad in rows.Skip(1))
        {
            Assert.AreEqual(string.Empty, bad.Output);
            Assert.AreEqual(0, bad.Ids.Length);
            Assert.IsTrue(float.IsNaN(bad.Score));
        }
    }

    [TestMethod]
    public void BadBytesAndUnloadableMLImages_AreBadRowsToo()
    {
        var ml = new MLContext();
        var bytes = ml.Data.LoadFromEnumerable(new[]
        {
            new ImageBytesRow { ImageBytes = File.ReadAllBytes(Blip2TestModels.Images[0]) },
            new ImageBytesRow { ImageBytes = [1, 2, 3, 4] },
        });
        using var fromBytes = ml.Transforms.Blip2Caption(new ImageCaptioningEstimator.Options
        {
            ModelDirectory = Blip2TestModels.Opt, ImageColumnName = nameof(ImageBytesRow.ImageBytes), OutputColumnName = "Output",
            StatusColumnName = "Ok", FailOnBadImage = false, Generation = Greedy,
        }).Fit(bytes);
        CollectionAssert.AreEqual(new[] { true, false }, ReadStatus(ml, fromBytes.Transform(bytes)));

        var (_, paths) = RowsWithBadImages();
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImagePathRow.ImagePath))
            .Append(ml.Transforms.Blip2Caption(new ImageCaptioningEstimator.Options
            {
                ModelDirectory = Blip2TestModels.Opt, ImageColumnName = "Image", OutputColumnName = "Output",
                StatusColumnName = "Ok", FailOnBadImage = false, Generation = Greedy,
            }));
        var model = pipeline.Fit(paths);
        using var captioner = model.LastTransformer;
        CollectionAssert.AreEqual(new[] { true, false, false, false }, ReadStatus(ml, model.Transform(paths)));
    }

    [TestMethod]
    public void InvalidOptions_AreRejectedWhenTheEstimatorIsCreated()
    {
        var ml = new MLContext();
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.Blip2Caption("Output", "Image", Blip2TestModels.Opt, batchSize: 0));
        Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.Blip2Caption("Output", "Image", ""));
        Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.Blip2AnswerQuestion("Output", "Image", "Question", Blip2TestModels.Opt, promptTemplate: "no placeholder"));
        Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.Blip2AnswerQuestion("Output", "Image", "Question", Blip2TestModels.Opt, promptTemplate: "{1}"));
        Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.Blip2Caption("Output", "Image", Blip2TestModels.Opt,
            generationOptions: new GenerationOptions { NumBeams = 2, NumReturnSequences = 2 }));
        var duplicate = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.Blip2Caption(new ImageCaptioningEstimator.Options
        {
            ModelDirectory = Blip2TestModels.Opt, ImageColumnName = "Image", OutputColumnName = "Same", StatusColumnName = "Same",
        }));
        StringAssert.Contains(duplicate.Message, "Same");
        Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.Blip2MatchImageText(new ImageTextMatchingEstimator.Options
        {
            ModelDirectory = Blip2TestModels.Itm, ImageColumnName = "Image", OutputColumnName = "Score", TextColumnName = "Text",
            WeightStorage = WeightStorage.DifferencesFromBase,
        }));
    }

    private static (MLContext Ml, IDataView Data) RowsWithBadImages()
    {
        string folder = Blip2TestModels.NewFolder("bad-images");
        string corrupt = Path.Combine(folder, "corrupt.jpg");
        File.WriteAllBytes(corrupt, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        var ml = new MLContext();
        var rows = new[] { Blip2TestModels.Images[0], corrupt, Path.Combine(folder, "missing.png"), "" }.Select(p => new ImagePathRow { ImagePath = p });
        return (ml, ml.Data.LoadFromEnumerable(rows.ToArray()));
    }

    private static bool[] ReadStatus(MLContext ml, IDataView data) =>
        ml.Data.CreateEnumerable<StatusRow>(data, reuseRowObject: false).Select(r => r.Ok).ToArray();

    private static ArgumentOutOfRangeException AssertNamesColumn(Action action, string column)
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(action);
        StringAssert.Contains(error.Message, $"'{column}'");
        return error;
    }

    private static ArgumentOutOfRangeException AssertNamesColumn(Func<object> action, string column) => AssertNamesColumn(() => { action(); }, column);

    public sealed class NumberTextRow
    {
        public float Text { get; set; }
    }

    public sealed class StatusRow
    {
        public bool Ok { get; set; }
    }
}
