using Blip2.Trainers.Optimization;
using static TorchSharp.torch;

namespace Blip2.Trainers.Tests;

/// <summary>Global-norm clipping on gradients with a hand-computed norm (3-4-12-13).</summary>
[TestClass]
public sealed class GradientClippingTests
{
    [TestMethod]
    public void NormIsTheL2NormOverAllGradients()
    {
        using var a = WithGradient([3, 4]);
        using var b = WithGradient([12]);
        using var none = new Parameter(zeros(3), requires_grad: true);
        Assert.AreEqual(13.0, GradientClipping.GlobalNorm([a, b, none]), 1e-6);
    }

    [TestMethod]
    public void ClippingScalesEveryGradientByMaxOverNorm()
    {
        using var a = WithGradient([3, 4]);
        using var b = WithGradient([12]);
        double norm = GradientClipping.ClipByGlobalNorm([a, b], 6.5);
        Assert.AreEqual(13.0, norm, 1e-6);
        double scale = 6.5 / (13 + 1e-6);
        using var ga = a.grad!;
        using var gb = b.grad!;
        CollectionAssert.AreEqual(new[] { (float)(3 * scale), (float)(4 * scale) }, ga.data<float>().ToArray());
        Assert.AreEqual((float)(12 * scale), gb.data<float>()[0], 1e-6f);
        Assert.AreEqual(6.5, GradientClipping.GlobalNorm([a, b]), 1e-5);
    }

    [TestMethod]
    public void GradientsBelowTheMaximumAreUnchanged()
    {
        using var a = WithGradient([3, 4]);
        GradientClipping.ClipByGlobalNorm([a], 5.1);
        using var g = a.grad!;
        CollectionAssert.AreEqual(new float[] { 3, 4 }, g.data<float>().ToArray());
    }

    private static Parameter WithGradient(float[] gradient)
    {
        var p = new Parameter(zeros(gradient.Length), requires_grad: true);
        using var scope = NewDisposeScope();
        (p * tensor(gradient)).sum().backward();
        return p;
    }
}
