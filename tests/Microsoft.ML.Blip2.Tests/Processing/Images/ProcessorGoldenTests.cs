using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Processing;
using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Tests.Processing.Images;

/// <summary>
/// The golden <c>processor</c> case: Pillow 9.4 + transformers BlipImageProcessor on three files (RGB JPEG, RGBA PNG,
/// grayscale PNG). Every uint8 stage must match exactly, <c>pixel_values</c> within 1e-5.
/// </summary>
[TestClass]
[TestCategory("Golden")]
public sealed class ProcessorGoldenTests
{
    private static readonly string[] ImageFiles = ["image0.jpg", "image1_rgba.png", "image2_gray.png"];

    private static FixtureTensorFile? s_expected;

    public TestContext TestContext { get; set; } = null!;

    private static FixtureTensorFile Expected =>
        s_expected ??= FixtureTensorFile.Open(Path.Combine(ImageTestData.ProcessorCase, "expected.safetensors"));

    private static string ImagePath(int index) => Path.Combine(ImageTestData.ProcessorCase, ImageFiles[index]);

    private static Blip2ImageProcessor GoldenProcessor() => Blip2ImageProcessor.FromPreprocessorConfigFile(
        Path.Combine(ImageTestData.ProcessorCase, "processor", "preprocessor_config.json"));

    private static DecodedImage GoldenArray(string name) =>
        PixelAssert.ImageFromArray(Expected.U8(name), Expected.Shape(name));

    [TestMethod]
    [DataRow(0, ImageMode.Rgb)]
    [DataRow(1, ImageMode.Rgba)]
    [DataRow(2, ImageMode.L)]
    public void DecodeEqualsPillowImageOpen(int index, ImageMode expectedMode)
    {
        DecodedImage decoded = DecodedImage.FromFile(ImagePath(index));
        DecodedImage golden = GoldenArray($"decoded_{index}");

        Assert.AreEqual(expectedMode, decoded.Mode);
        Assert.AreEqual(golden.Width, decoded.Width);
        Assert.AreEqual(golden.Height, decoded.Height);
        PixelAssert.Equal(golden.Pixels.Span, decoded, $"decoded_{index}");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void ToRgbOfGoldenDecodeEqualsPillowConvert(int index)
    {
        DecodedImage rgb = GoldenArray($"decoded_{index}").ToRgb();

        Assert.AreEqual(ImageMode.Rgb, rgb.Mode);
        PixelAssert.Equal(Expected.U8($"rgb_{index}"), rgb, $"rgb_{index}");
    }

    [TestMethod]
    [DataRow(0, "decoded_0")]
    [DataRow(1, "rgb_1")]
    [DataRow(2, "rgb_2")]
    public void BicubicResizeOfGoldenRgbEqualsPillow(int index, string rgbName)
    {
        DecodedImage resized = PillowResampler.Resize(GoldenArray(rgbName), 224, 224, PilResampling.Bicubic);

        PixelAssert.Equal(Expected.U8($"resized_{index}"), resized, $"resized_{index}");
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(2)]
    public void ConvertAndResizeOfOwnDecodeEqualsPillow(int index)
    {
        DecodedImage resized = GoldenProcessor().ConvertAndResize(DecodedImage.FromFile(ImagePath(index)));

        Assert.AreEqual(ImageMode.Rgb, resized.Mode);
        PixelAssert.Equal(Expected.U8($"resized_{index}"), resized, $"resized_{index}");
    }

    [TestMethod]
    public void PixelValuesFromFilesMatchTransformers()
    {
        float[] expected = Expected.F32("pixel_values");
        CollectionAssert.AreEqual(new long[] { 3, 3, 224, 224 }, Expected.Shape("pixel_values"));

        using var pixelValues = GoldenProcessor().Preprocess(Enumerable.Range(0, 3).Select(ImagePath).ToArray());

        CollectionAssert.AreEqual(new long[] { 3, 3, 224, 224 }, pixelValues.shape);
        Assert.AreEqual(TorchSharp.torch.float32, pixelValues.dtype);
        float[] actual = pixelValues.data<float>().ToArray();
        double maxError = MaxAbsDifference(expected, actual);
        TestContext.WriteLine($"pixel_values max |error| vs transformers: {maxError:G9}");
        Assert.IsTrue(maxError <= 1e-5, $"pixel_values max |error| {maxError:G9} > 1e-5");
    }

    [TestMethod]
    public void FloatStagesOnGoldenResizedArraysMatchTransformers()
    {
        Blip2ImageProcessor processor = GoldenProcessor();
        float[] expected = Expected.F32("pixel_values");
        var actual = new float[expected.Length];
        int imageLength = 3 * 224 * 224;
        for (int i = 0; i < 3; i++)
        {
            processor.WriteChannelsFirst(GoldenArray($"resized_{i}"), actual.AsSpan(i * imageLength, imageLength));
        }

        double maxError = MaxAbsDifference(expected, actual);
        TestContext.WriteLine($"rescale+normalize max |error| vs transformers: {maxError:G9}");
        Assert.IsTrue(maxError <= 1e-5, $"max |error| {maxError:G9} > 1e-5");
    }

    [TestMethod]
    public void EveryInputKindGivesTheSameTensor()
    {
        Blip2ImageProcessor processor = GoldenProcessor();
        string[] paths = Enumerable.Range(0, 3).Select(ImagePath).ToArray();
        using var fromPaths = processor.Preprocess(paths);
        using var fromBytes = processor.Preprocess(paths.Select(File.ReadAllBytes).ToArray());
        var streams = paths.Select(p => (Stream)File.OpenRead(p)).ToArray();
        try
        {
            using var fromStreams = processor.Preprocess(streams);
            CollectionAssert.AreEqual(Values(fromPaths), Values(fromStreams), "stream input differs from path input");
        }
        finally
        {
            foreach (Stream stream in streams)
            {
                stream.Dispose();
            }
        }

        CollectionAssert.AreEqual(Values(fromPaths), Values(fromBytes), "byte[] input differs from path input");
    }

    [TestMethod]
    public void OpaqueMLImageGivesTheSameTensorAsItsFile()
    {
        Blip2ImageProcessor processor = GoldenProcessor();
        using MLImage image = MLImage.CreateFromFile(ImagePath(0));

        using var fromMLImage = processor.Preprocess(new[] { image });
        using var fromPath = processor.Preprocess(new[] { ImagePath(0) });

        CollectionAssert.AreEqual(Values(fromPath), Values(fromMLImage), "MLImage input differs from path input");
        PixelAssert.Equal(Expected.U8("decoded_0"), DecodedImage.FromMLImage(image), "MLImage pixels vs decoded_0");
    }

    [TestMethod]
    public void GoldenPreprocessorConfigIsRead()
    {
        var options = ImageProcessorOptions.FromPreprocessorConfigFile(
            Path.Combine(ImageTestData.ProcessorCase, "processor", "preprocessor_config.json"));

        // Values of case.json "processor_settings".
        Assert.AreEqual(224, options.Height);
        Assert.AreEqual(224, options.Width);
        Assert.AreEqual(PilResampling.Bicubic, options.Resample);
        Assert.AreEqual(0.00392156862745098, options.RescaleFactor);
        CollectionAssert.AreEqual(new[] { 0.48145466f, 0.4578275f, 0.40821073f }, options.ImageMean.ToArray());
        CollectionAssert.AreEqual(new[] { 0.26862954f, 0.26130258f, 0.27577711f }, options.ImageStd.ToArray());
        Assert.IsTrue(options.DoResize && options.DoRescale && options.DoNormalize && options.DoConvertRgb);
    }

    private static float[] Values(TorchSharp.torch.Tensor tensor) => tensor.data<float>().ToArray();

    private static double MaxAbsDifference(float[] expected, float[] actual)
    {
        Assert.AreEqual(expected.Length, actual.Length, "element count");
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)expected[i] - actual[i]));
        }

        return max;
    }
}
