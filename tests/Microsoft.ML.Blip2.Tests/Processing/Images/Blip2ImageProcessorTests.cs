using Microsoft.ML.Blip2.Processing;
using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Tests.Processing.Images;

/// <summary>Processor behaviour beyond the golden case, with hand-derived expectations.</summary>
[TestClass]
public sealed class Blip2ImageProcessorTests
{
    [TestMethod]
    public void WithoutRescaleAndNormalizeTheTensorHoldsTheRawBytesChannelsFirst()
    {
        var processor = new Blip2ImageProcessor(new ImageProcessorOptions { DoResize = false, DoRescale = false, DoNormalize = false });
        // 2x1 RGB: pixel (0,0) = (1,2,3), pixel (1,0) = (4,5,6).
        var image = new DecodedImage(2, 1, ImageMode.Rgb, new byte[] { 1, 2, 3, 4, 5, 6 });

        using var tensor = processor.Preprocess(new[] { image });

        CollectionAssert.AreEqual(new long[] { 1, 3, 1, 2 }, tensor.shape);
        CollectionAssert.AreEqual(new float[] { 1, 4, 2, 5, 3, 6 }, tensor.data<float>().ToArray());
    }

    [TestMethod]
    public void RescaleWithoutNormalizeMapsByteExtremesToZeroAndOne()
    {
        var processor = new Blip2ImageProcessor(new ImageProcessorOptions { DoResize = false, DoNormalize = false });
        var image = new DecodedImage(2, 1, ImageMode.L, new byte[] { 0, 255 });

        using var tensor = processor.Preprocess(new[] { image });

        CollectionAssert.AreEqual(new float[] { 0, 1, 0, 1, 0, 1 }, tensor.data<float>().ToArray());
    }

    [TestMethod]
    public void NormalizeUsesMeanAndStdPerChannel()
    {
        var processor = new Blip2ImageProcessor(new ImageProcessorOptions
        {
            DoResize = false, DoRescale = false, ImageMean = [1f, 2f, 3f], ImageStd = [2f, 4f, 0.5f],
        });
        var image = new DecodedImage(1, 1, ImageMode.Rgb, new byte[] { 9, 10, 11 });

        using var tensor = processor.Preprocess(new[] { image });

        // (9-1)/2, (10-2)/4, (11-3)/0.5
        CollectionAssert.AreEqual(new float[] { 4, 2, 16 }, tensor.data<float>().ToArray());
    }

    [TestMethod]
    public void NonRgbImageWithoutConversionIsRejectedByName()
    {
        var processor = new Blip2ImageProcessor(new ImageProcessorOptions { DoConvertRgb = false, Height = 4, Width = 4 });
        var rgb = new DecodedImage(2, 2, ImageMode.Rgb, new byte[12]);
        var gray = new DecodedImage(2, 2, ImageMode.L, new byte[4]);

        var error = Assert.ThrowsExactly<ArgumentException>(() => processor.Preprocess(new[] { rgb, gray }));

        StringAssert.Contains(error.Message, "image #1");
        StringAssert.Contains(error.Message, "DoConvertRgb");
    }

    [TestMethod]
    public void DifferentSizesWithoutResizeAreRejected()
    {
        var processor = new Blip2ImageProcessor(new ImageProcessorOptions { DoResize = false });
        var small = new DecodedImage(2, 2, ImageMode.Rgb, new byte[12]);
        var wide = new DecodedImage(3, 2, ImageMode.Rgb, new byte[18]);

        var error = Assert.ThrowsExactly<ArgumentException>(() => processor.Preprocess(new[] { small, wide }));

        StringAssert.Contains(error.Message, "image #1 is 3x2");
    }

    [TestMethod]
    public void TranslucentMLImagePixelsOnlyApproximatePillow()
    {
        // image1_rgba.png has opaque, translucent and transparent pixels; rgb_1 is Pillow's convert('RGB').
        string path = Path.Combine(ImageTestData.ProcessorCase, "image1_rgba.png");
        var expected = FixtureTensorFile.Open(Path.Combine(ImageTestData.ProcessorCase, "expected.safetensors"));
        byte[] pillowRgb = expected.U8("rgb_1");
        DecodedImage straight = DecodedImage.FromFile(path);
        using MLImage mlImage = MLImage.CreateFromFile(path);

        DecodedImage fromMLImage = DecodedImage.FromMLImage(mlImage);

        int opaque = 0, translucent = 0;
        ReadOnlySpan<byte> rgba = straight.Pixels.Span;
        ReadOnlySpan<byte> actual = fromMLImage.Pixels.Span;
        for (int p = 0; p < straight.Width * straight.Height; p++)
        {
            int alpha = rgba[p * 4 + 3];
            for (int c = 0; c < 3; c++)
            {
                int difference = Math.Abs(actual[p * 3 + c] - pillowRgb[p * 3 + c]);
                if (alpha == 255)
                {
                    Assert.AreEqual(0, difference, $"opaque pixel {p} channel {c}");
                }
                else if (alpha == 0)
                {
                    Assert.AreEqual(0, actual[p * 3 + c], $"transparent pixel {p} channel {c} should be black");
                }
                else
                {
                    // Premultiplying rounds to 1/255 of alpha; un-premultiplying scales that error by 255/alpha.
                    Assert.IsTrue(difference <= 255.0 / alpha / 2 + 1, $"pixel {p} alpha {alpha}: |diff| {difference}");
                }
            }

            opaque += alpha == 255 ? 1 : 0;
            translucent += alpha is > 0 and < 255 ? 1 : 0;
        }

        Assert.IsTrue(opaque > 0 && translucent > 0, $"fixture should mix opaque ({opaque}) and translucent ({translucent}) pixels");
    }
}
