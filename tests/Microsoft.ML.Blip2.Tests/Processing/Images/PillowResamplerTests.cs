using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing.Images;

/// <summary>Hand-derived resampler facts; Pillow parity itself is in <see cref="PillowResizeFixtureTests"/>.</summary>
[TestClass]
public sealed class PillowResamplerTests
{
    [TestMethod]
    public void BoxHalvingAveragesPairsRoundingHalfUp()
    {
        // Weights 1/2, 1/2: (10+21)/2 = 15.5 → 16 (fixed point adds one half before truncating); (30+40)/2 = 35.
        var image = new DecodedImage(4, 1, ImageMode.L, new byte[] { 10, 21, 30, 40 });

        DecodedImage halved = PillowResampler.Resize(image, 2, 1, PilResampling.Box);

        CollectionAssert.AreEqual(new byte[] { 16, 35 }, halved.Pixels.ToArray());
    }

    [TestMethod]
    public void NearestDoublingRepeatsEachPixel()
    {
        var image = new DecodedImage(2, 1, ImageMode.Rgb, new byte[] { 1, 2, 3, 4, 5, 6 });

        DecodedImage doubled = PillowResampler.Resize(image, 4, 2, PilResampling.Nearest);

        byte[] row = [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6];
        CollectionAssert.AreEqual(row.Concat(row).ToArray(), doubled.Pixels.ToArray());
    }

    [TestMethod]
    public void ConstantImageStaysConstantUnderEveryFilter()
    {
        var image = new DecodedImage(7, 5, ImageMode.Rgb, Enumerable.Repeat((byte)77, 7 * 5 * 3).ToArray());

        foreach (PilResampling filter in Enum.GetValues<PilResampling>())
        {
            DecodedImage resized = PillowResampler.Resize(image, 3, 11, filter);
            Assert.IsTrue(resized.Pixels.ToArray().All(v => v == 77), $"{filter} changed a constant image");
        }
    }

    [TestMethod]
    public void SameSizeReturnsTheImageUnchanged()
    {
        var image = new DecodedImage(3, 2, ImageMode.L, new byte[] { 1, 2, 3, 4, 5, 6 });

        Assert.AreSame(image, PillowResampler.Resize(image, 3, 2, PilResampling.Lanczos));
    }

    [TestMethod]
    public void NonPositiveTargetIsRejected()
    {
        var image = new DecodedImage(3, 2, ImageMode.L, new byte[6]);

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => PillowResampler.Resize(image, 0, 2));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => PillowResampler.Resize(image, 2, -1));
    }

    [TestMethod]
    public void DecodedImageRejectsAWrongPixelCount()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new DecodedImage(3, 2, ImageMode.Rgb, new byte[17]));

        StringAssert.Contains(error.Message, "needs 18 bytes, got 17");
    }
}
