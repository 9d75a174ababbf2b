using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing;

[TestClass]
public sealed class Blip2ProcessorTests
{
    private static string ProcessorDir => Path.Combine(TestPaths.GoldenDirectory, "processor_opt", "processor");

    private static string Image(int i) => Path.Combine(TestPaths.GoldenDirectory, "processor", new[] { "image0.jpg", "image1_rgba.png", "image2_gray.png" }[i]);

    [TestMethod]
    public void ImageTokensArePrependedToEveryRowWithMaskOne()
    {
        var processor = Blip2Processor.FromPretrained(ProcessorDir);
        Assert.AreEqual(10, processor.NumQueryTokens);
        using var output = processor.Process([Image(0), Image(1)], ["a photo of", "Question: what is it? Answer:"],
            new TokenizerCallOptions { Padding = TokenizerPadding.Longest });
        var ids = output.InputIds!;
        var mask = output.AttentionMask!;
        for (int row = 0; row < 2; row++)
        {
            for (int j = 0; j < 10; j++)
            {
                Assert.AreEqual((long)processor.ImageTokenId, ids[row, j].item<long>());
                Assert.AreEqual(1L, mask[row, j].item<long>());
            }
            Assert.AreEqual((long)processor.Tokenizer.BosTokenId!.Value, ids[row, 10].item<long>(), "the text (with its BOS) follows the image tokens");
        }
        CollectionAssert.AreEqual(new long[] { 2, 3, 224, 224 }, output.PixelValues!.shape);
    }

    [TestMethod]
    public void WithoutImagesTheProcessorIsTheBareTokenizer()
    {
        var processor = Blip2Processor.FromPretrained(ProcessorDir);
        using var output = processor.Process((IReadOnlyList<DecodedImage>?)null, ["a photo of"]);
        Assert.IsNull(output.PixelValues);
        CollectionAssert.AreEqual(processor.Tokenizer.Encode("a photo of").Select(i => (long)i).ToArray(), output.InputIds!.data<long>().ToArray());
    }

    [TestMethod]
    public void QuestionTemplateIsConfigurable()
    {
        var processor = Blip2Processor.FromPretrained(ProcessorDir);
        Assert.AreEqual("Question: what is this? Answer:", processor.FormatQuestion("what is this?"));
        var custom = new Blip2Processor(processor.ImageProcessor, processor.Tokenizer) { QuestionTemplate = "Q: {0} A:" };
        Assert.AreEqual("Q: why? A:", custom.FormatQuestion("why?"));
    }

    [TestMethod]
    public void MismatchedImageAndTextCountsAreRejected()
    {
        var processor = Blip2Processor.FromPretrained(ProcessorDir);
        var e = Assert.ThrowsExactly<ArgumentException>(() => processor.Process([Image(0), Image(1), Image(2)], ["a", "b"]));
        StringAssert.Contains(e.Message, "3 images and 2 texts");
    }

    [TestMethod]
    public void MissingPreprocessorConfigIsNamed()
    {
        string dir = Path.Combine(Path.GetTempPath(), "blip2-proc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (string f in Directory.GetFiles(ProcessorDir).Where(f => !f.EndsWith("preprocessor_config.json", StringComparison.Ordinal)))
                File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            var e = Assert.ThrowsExactly<FileNotFoundException>(() => Blip2Processor.FromPretrained(dir));
            StringAssert.Contains(e.Message, "preprocessor_config.json");
            File.Copy(Path.Combine(ProcessorDir, "preprocessor_config.json"), Path.Combine(dir, "preprocessor_config.json"));
            File.Delete(Path.Combine(dir, "merges.txt"));
            var missingTokenizerFile = Assert.ThrowsExactly<FileNotFoundException>(() => Blip2Processor.FromPretrained(dir));
            StringAssert.Contains(missingTokenizerFile.Message, "merges.txt");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
