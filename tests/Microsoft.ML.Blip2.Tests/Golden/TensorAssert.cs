using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Tests.Golden;

/// <summary>Tensor comparisons that report where and by how much two tensors differ.</summary>
public static class TensorAssert
{
    /// <summary>
    /// Asserts <c>|actual - expected| ≤ atol + rtol·|expected|</c> elementwise (torch.allclose semantics), equal shapes,
    /// and the same positions of infinities (masked scores are −inf in generation scores).
    /// </summary>
    public static void AreClose(Tensor expected, Tensor actual, double atol, double rtol, string what)
    {
        AssertSameShape(expected, actual, what);
        using var scope = NewDisposeScope();
        var e = expected.detach().to(ScalarType.Float64, CPU);
        var a = actual.detach().to(ScalarType.Float64, CPU);
        var eInf = e.isinf();
        var aInf = a.isinf();
        var infMismatch = eInf.logical_xor(aInf).logical_or(eInf.logical_and(aInf).logical_and(e.ne(a)));
        long badInf = infMismatch.sum().item<long>();
        if (a.isnan().any().item<bool>())
            Assert.Fail($"{what}: actual contains NaN.");
        var finite = eInf.logical_not().logical_and(aInf.logical_not());
        var diff = (a - e).abs().where(finite, zeros_like(a));
        var tol = (e.abs() * rtol + atol).where(finite, ones_like(a));
        var over = diff.gt(tol);
        long badCount = over.sum().item<long>();
        double maxAbs = diff.numel() == 0 ? 0 : diff.max().item<double>();
        var rel = diff / e.abs().clamp_min(1e-12);
        double maxRel = rel.numel() == 0 ? 0 : rel.where(finite, zeros_like(rel)).max().item<double>();
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"{what}: max abs err {maxAbs:G4}, max rel err {maxRel:G4} (atol {atol:G3}, rtol {rtol:G3}, {e.numel()} elements)");
        if (badInf > 0)
            Assert.Fail($"{summary}; {badInf} elements differ in infinity pattern.");
        if (badCount > 0)
        {
            long flatIndex = diff.flatten().argmax().item<long>();
            double ev = e.flatten()[flatIndex].item<double>(), av = a.flatten()[flatIndex].item<double>();
            Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{summary}; {badCount} elements out of tolerance, worst at flat index {flatIndex} (expected {ev:R}, actual {av:R})."));
        }
        Console.WriteLine(summary);
    }

    /// <summary>Asserts equal shapes and identical values (ids, masks, uint8 images).</summary>
    public static void AreEqual(Tensor expected, Tensor actual, string what)
    {
        AssertSameShape(expected, actual, what);
        using var scope = NewDisposeScope();
        var e = expected.detach().to(ScalarType.Float64, CPU);
        var a = actual.detach().to(ScalarType.Float64, CPU);
        var ne = e.ne(a);
        long bad = ne.sum().item<long>();
        if (bad > 0)
        {
            long first = ne.flatten().nonzero()[0, 0].item<long>();
            Assert.Fail($"{what}: {bad} of {e.numel()} elements differ; first at flat index {first}. expected {Describe(expected)}, actual {Describe(actual)}");
        }
        Console.WriteLine($"{what}: exact match ({e.numel()} elements)");
    }

    private static void AssertSameShape(Tensor expected, Tensor actual, string what)
    {
        if (!expected.shape.SequenceEqual(actual.shape))
            Assert.Fail($"{what}: shape [{string.Join(",", actual.shape)}], expected [{string.Join(",", expected.shape)}]. expected {Describe(expected)}, actual {Describe(actual)}");
    }

    private static string Describe(Tensor t)
    {
        if (t.numel() > 64) return $"<{t.numel()} elements>";
        using var d = t.detach().to(ScalarType.Float64, CPU).flatten();
        return "[" + string.Join(", ", d.data<double>().ToArray().Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + "]";
    }
}
