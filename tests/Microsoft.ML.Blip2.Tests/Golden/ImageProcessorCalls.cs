using System.Text.Json;
using Microsoft.ML.Blip2.Processing;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Tests.Golden;

/// <summary>
/// Golden BlipImageProcessor calls: the processor folder and image files named in case.json go through
/// <see cref="Blip2ImageProcessor"/>; every stage the case records (<c>decoded_i</c>, <c>rgb_i</c>, <c>resized_i</c>,
/// <c>pixel_values</c>) is compared.
/// </summary>
public static class ImageProcessorCalls
{
    /// <summary>Runs one image-processor call.</summary>
    public static void Run(GoldenCall call)
    {
        var c = call.Case;
        string processorDir = Path.Combine(c.Directory, c.Json.GetProperty("processor_dir").GetString()!.Split(' ')[0]);
        var processor = Blip2ImageProcessor.FromPreprocessorConfigFile(Path.Combine(processorDir, "preprocessor_config.json"));
        var images = c.Json.GetProperty("images").EnumerateObject()
            .OrderBy(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture))
            .Select(p => (Index: int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), Path: Path.Combine(c.Directory, p.Value.GetProperty("file").GetString()!)))
            .ToList();
        var expectedNames = c.Expected.Tensors.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        int stages = 0;
        foreach (var (index, path) in images)
        {
            var decoded = DecodedImage.FromFile(path);
            stages += CompareStage(c, expectedNames, $"decoded_{index}", decoded);
            var rgb = decoded.ToRgb();
            stages += CompareStage(c, expectedNames, $"rgb_{index}", rgb);
            stages += CompareStage(c, expectedNames, $"resized_{index}", processor.ConvertAndResize(decoded, Path.GetFileName(path)));
        }
        var pixelOutput = call.Outputs.Single(o => o.Field == "pixel_values");
        using var pixels = processor.Preprocess(images.Select(i => i.Path).ToList());
        using var expected = c.ExpectedTensor(pixelOutput.Tensor);
        TensorAssert.AreClose(expected, pixels, pixelOutput.Atol, pixelOutput.Rtol, $"{c.Name}/{call.Name} pixel_values");
        Assert.IsGreaterThan(0, stages, $"{c.Name}: no intermediate stage was compared");
    }

    private static int CompareStage(GoldenCase c, HashSet<string> expectedNames, string name, DecodedImage actual)
    {
        if (!expectedNames.Contains(name)) return 0;
        using var expected = c.ExpectedTensor(name);
        long[] shape = actual.Channels == 1 ? [actual.Height, actual.Width] : [actual.Height, actual.Width, actual.Channels];
        using var actualTensor = tensor(actual.Pixels.ToArray(), shape);
        TensorAssert.AreEqual(expected, actualTensor, $"{c.Name} {name}");
        return 1;
    }
}
