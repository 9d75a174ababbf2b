using Microsoft.ML.Blip2.Configuration;

namespace Microsoft.ML.Blip2.Tests.Configuration;

[TestClass]
public sealed class ImagePreprocessorConfigTests
{
    [TestMethod]
    public void GoldenProcessorSettingsParse()
    {
        ImagePreprocessorConfig config = ImagePreprocessorConfig.FromDirectory(GoldenDirectory.File("processor", "processor"));

        Assert.AreEqual(new PixelDimensions(224, 224), config.Size);
        Assert.AreEqual(PilResampling.Bicubic, config.Resample);
        Assert.AreEqual(1.0 / 255, config.RescaleFactor);
        CollectionAssert.AreEqual(new[] { 0.48145466, 0.4578275, 0.40821073 }, config.ImageMean.ToArray());
        CollectionAssert.AreEqual(new[] { 0.26862954, 0.26130258, 0.27577711 }, config.ImageStd.ToArray());
        Assert.IsTrue(config.DoResize && config.DoRescale && config.DoNormalize && config.DoConvertRgb);
    }

    [TestMethod]
    [DataRow("processor")]
    [DataRow("processor_opt")]
    public void WritingReproducesTheSavedFile(string caseName)
    {
        string path = GoldenDirectory.File(caseName, "processor", ImagePreprocessorConfig.FileName);

        ImagePreprocessorConfig config = ImagePreprocessorConfig.FromFile(path);

        Assert.AreEqual(File.ReadAllText(path), config.ToJson());
    }

    [TestMethod]
    public void ProcessorClassIsKeptAsAnExtraKey()
    {
        ImagePreprocessorConfig config = ImagePreprocessorConfig.FromDirectory(GoldenDirectory.File("processor_opt", "processor"));

        Assert.AreEqual("\"Blip2Processor\"", config.ExtraProperties["processor_class"]!.ToJsonString());
    }

    [TestMethod]
    public void MissingKeysTakeBlipImageProcessorDefaults()
    {
        ImagePreprocessorConfig config = ImagePreprocessorConfig.FromJson("{}");

        Assert.AreEqual(new PixelDimensions(384, 384), config.Size);
        Assert.AreEqual(PilResampling.Bicubic, config.Resample);
        Assert.AreEqual(1.0 / 255, config.RescaleFactor);
        CollectionAssert.AreEqual(new[] { 0.48145466, 0.4578275, 0.40821073 }, config.ImageMean.ToArray());
        Assert.IsTrue(config.DoConvertRgb);
        Assert.AreEqual(new ImagePreprocessorConfig(), config);
    }

    [TestMethod]
    [DataRow("364", 364, 364)]
    [DataRow("[200, 300]", 200, 300)]
    [DataRow("""{"width": 300, "height": 200}""", 200, 300)]
    public void SizeFormsOfGetSizeDictAreAccepted(string size, int height, int width)
    {
        ImagePreprocessorConfig config = ImagePreprocessorConfig.FromJson($$"""{"size": {{size}}}""");

        Assert.AreEqual(new PixelDimensions(height, width), config.Size);
    }

    [TestMethod]
    public void ShortestEdgeIsRejectedBecauseBlipResizesToHeightAndWidth()
    {
        var error = Assert.ThrowsExactly<InvalidDataException>(() => ImagePreprocessorConfig.FromJson("""{"size": {"shortest_edge": 224}}"""));

        StringAssert.Contains(error.Message, "'size'");
        StringAssert.Contains(error.Message, "shortest_edge");
    }

    [TestMethod]
    public void InvalidResampleAndForeignProcessorTypeAreRejected()
    {
        var resample = Assert.ThrowsExactly<InvalidDataException>(() => ImagePreprocessorConfig.FromJson("""{"resample": 7}"""));
        StringAssert.Contains(resample.Message, "'resample'");

        var type = Assert.ThrowsExactly<NotSupportedException>(() => ImagePreprocessorConfig.FromJson("""{"image_processor_type": "CLIPImageProcessor"}"""));
        StringAssert.Contains(type.Message, "CLIPImageProcessor");
    }
}
