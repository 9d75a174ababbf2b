using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing.Images;

[TestClass]
public sealed class ImageProcessorOptionsTests
{
    private readonly List<string> _temporaryFiles = [];

    [TestCleanup]
    public void DeleteTemporaryFiles()
    {
        foreach (string file in _temporaryFiles)
        {
            File.Delete(file);
        }
    }

    [TestMethod]
    public void MissingKeysTakeBlipImageProcessorDefaults()
    {
        var options = ImageProcessorOptions.FromPreprocessorConfigFile(WriteConfig("{}"));

        // transformers BlipImageProcessor.__init__ defaults.
        Assert.AreEqual(384, options.Height);
        Assert.AreEqual(384, options.Width);
        Assert.AreEqual(PilResampling.Bicubic, options.Resample);
        Assert.AreEqual(1 / 255.0, options.RescaleFactor);
        CollectionAssert.AreEqual(new[] { 0.48145466f, 0.4578275f, 0.40821073f }, options.ImageMean.ToArray());
        CollectionAssert.AreEqual(new[] { 0.26862954f, 0.26130258f, 0.27577711f }, options.ImageStd.ToArray());
        Assert.IsTrue(options.DoResize && options.DoRescale && options.DoNormalize && options.DoConvertRgb);
    }

    [TestMethod]
    public void ExplicitValuesAreRead()
    {
        var options = ImageProcessorOptions.FromPreprocessorConfigFile(WriteConfig("""
            { "size": 96, "resample": 1, "do_rescale": false, "rescale_factor": 0.5, "do_normalize": false,
              "image_mean": 0.5, "image_std": [1, 2, 3], "do_convert_rgb": false, "do_resize": false,
              "image_processor_type": "BlipImageProcessor" }
            """));

        Assert.AreEqual(96, options.Height);
        Assert.AreEqual(96, options.Width);
        Assert.AreEqual(PilResampling.Lanczos, options.Resample);
        Assert.AreEqual(0.5, options.RescaleFactor);
        CollectionAssert.AreEqual(new[] { 0.5f, 0.5f, 0.5f }, options.ImageMean.ToArray());
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f }, options.ImageStd.ToArray());
        Assert.IsFalse(options.DoResize || options.DoRescale || options.DoNormalize || options.DoConvertRgb);
    }

    [TestMethod]
    [DataRow("""{ "size": { "shortest_edge": 224 } }""", "size")]
    [DataRow("""{ "image_mean": [0.5, 0.5] }""", "ImageMean")]
    [DataRow("""{ "image_std": [0.5, 0, 0.5] }""", "ImageStd")]
    [DataRow("""{ "resample": 9 }""", "PIL filter code")]
    [DataRow("""{ "size": { "height": 0, "width": 224 } }""", "positive")]
    [DataRow("""{ "do_resize": "yes" }""", "do_resize")]
    [DataRow("""{ "size": """, "not valid JSON")]
    public void BadConfigNamesTheFileAndTheProblem(string json, string expectedText)
    {
        string path = WriteConfig(json);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => ImageProcessorOptions.FromPreprocessorConfigFile(path));

        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, expectedText);
    }

    [TestMethod]
    public void ProcessorValidatesOptions()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new Blip2ImageProcessor(new ImageProcessorOptions { Width = 0 }));
        Assert.ThrowsExactly<ArgumentException>(() => new Blip2ImageProcessor(new ImageProcessorOptions { ImageMean = [0.5f] }));
        Assert.ThrowsExactly<ArgumentException>(() => new Blip2ImageProcessor(new ImageProcessorOptions { ImageStd = [1f, 0f, 1f] }));
        Assert.ThrowsExactly<ArgumentException>(() => new Blip2ImageProcessor(new ImageProcessorOptions { Resample = (PilResampling)6 }));
    }

    [TestMethod]
    public void MissingConfigFileNamesThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}", "preprocessor_config.json");

        var error = Assert.ThrowsExactly<FileNotFoundException>(() => ImageProcessorOptions.FromPreprocessorConfigFile(path));

        StringAssert.Contains(error.Message, path);
    }

    private string WriteConfig(string json)
    {
        string path = Path.Combine(Path.GetTempPath(), $"blip2-preprocessor-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        _temporaryFiles.Add(path);
        return path;
    }
}
