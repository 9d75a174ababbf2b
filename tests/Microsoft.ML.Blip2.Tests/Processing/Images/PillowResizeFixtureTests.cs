using Microsoft.ML.Blip2.Configuration;
using System.Text.Json;
using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing.Images;

/// <summary>
/// <see cref="PillowResampler"/> against Pillow's own <c>Image.resize</c> (Fixtures/make_fixtures.py): every filter,
/// L/LA/RGB/RGBA, up- and down-scaling, one-axis resizes, odd and 1-pixel sizes. Exact equality.
/// </summary>
[TestClass]
public sealed class PillowResizeFixtureTests
{
    private static FixtureTensorFile? s_tensors;

    private static FixtureTensorFile Tensors =>
        s_tensors ??= FixtureTensorFile.Open(Path.Combine(ImageTestData.Fixtures, "resize_cases.safetensors"));

    public static IEnumerable<object[]> Cases()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(ImageTestData.Fixtures, "resize_cases.json")));
        foreach (JsonElement c in json.RootElement.GetProperty("cases").EnumerateArray())
        {
            yield return
            [
                c.GetProperty("name").GetString()!,
                c.GetProperty("input").GetString()!,
                Enum.Parse<PilResampling>(c.GetProperty("filter").GetString()!),
                c.GetProperty("width").GetInt32(),
                c.GetProperty("height").GetInt32(),
            ];
        }
    }

    [TestMethod]
    public void FixturesCoverEveryFilterAndMode()
    {
        var cases = Cases().ToList();
        Assert.IsTrue(cases.Count >= 100, $"only {cases.Count} resize cases");
        CollectionAssert.AreEquivalent(Enum.GetValues<PilResampling>(), cases.Select(c => (PilResampling)c[2]).Distinct().ToArray());
        var modes = cases.Select(c => Input((string)c[1]).Mode).Distinct().ToArray();
        CollectionAssert.AreEquivalent(Enum.GetValues<ImageMode>(), modes);
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void ResizeEqualsPillow(string caseName, string inputName, PilResampling filter, int width, int height)
    {
        DecodedImage input = Input(inputName);

        DecodedImage resized = PillowResampler.Resize(input, width, height, filter);

        Assert.AreEqual(input.Mode, resized.Mode);
        Assert.AreEqual(width, resized.Width);
        Assert.AreEqual(height, resized.Height);
        PixelAssert.Equal(Tensors.U8("out." + caseName), resized, caseName);
    }

    private static DecodedImage Input(string name) =>
        PixelAssert.ImageFromArray(Tensors.U8("in." + name), Tensors.Shape("in." + name));
}
