using System.Text.Json;
using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing.Images;

/// <summary>
/// <see cref="DecodedImage"/> against Pillow's <c>Image.open</c> on PNG/JPEG variants and a few other formats
/// (Fixtures/make_fixtures.py): mode, pixels and <c>convert('RGB')</c>, exactly.
/// </summary>
[TestClass]
public sealed class PillowDecodeFixtureTests
{
    private static FixtureTensorFile? s_tensors;

    private static FixtureTensorFile Tensors =>
        s_tensors ??= FixtureTensorFile.Open(Path.Combine(ImageTestData.Fixtures, "decode_cases.safetensors"));

    public static IEnumerable<object[]> Cases()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(ImageTestData.Fixtures, "decode_cases.json")));
        foreach (JsonElement c in json.RootElement.GetProperty("cases").EnumerateArray())
        {
            JsonElement mode = c.GetProperty("expected_mode");
            yield return
            [
                c.GetProperty("file").GetString()!,
                c.GetProperty("pillow_mode").GetString()!,
                mode.ValueKind == JsonValueKind.Null ? "rejected" : mode.GetString()!,
            ];
        }
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void DecodeEqualsPillow(string file, string pillowMode, string expectedMode)
    {
        string path = Path.Combine(ImageTestData.Fixtures, file);
        if (expectedMode == "rejected")
        {
            var error = Assert.ThrowsExactly<ImageDecodingException>(() => DecodedImage.FromFile(path));
            StringAssert.Contains(error.Message, path);
            return;
        }

        DecodedImage decoded = DecodedImage.FromFile(path);

        Assert.AreEqual(expectedMode, decoded.Mode.ToPillowName(), $"{file} (Pillow mode {pillowMode})");
        long[] shape = Tensors.Shape("decoded." + file);
        Assert.AreEqual((int)shape[0], decoded.Height);
        Assert.AreEqual((int)shape[1], decoded.Width);
        PixelAssert.Equal(Tensors.U8("decoded." + file), decoded, file);

        byte[] expectedRgb = Tensors.Contains("rgb." + file) ? Tensors.U8("rgb." + file) : Tensors.U8("decoded." + file);
        PixelAssert.Equal(expectedRgb, decoded.ToRgb(), file + " convert('RGB')");
    }
}
