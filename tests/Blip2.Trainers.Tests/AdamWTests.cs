using Blip2.Trainers.Optimization;
using static TorchSharp.torch;

namespace Blip2.Trainers.Tests;

/// <summary>AdamW against the per-element formula evaluated in double precision, independently of libtorch.</summary>
[TestClass]
public sealed class AdamWTests
{
    private static readonly double[] Initial = [0.5, -1.25, 2.0];
    private static readonly double[][] Gradients = [[0.1, -0.2, 0.3], [0.05, 0.4, -0.6], [-0.3, 0.1, 0.2]];

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void ThreeStepsMatchTheFormula(bool decay)
    {
        const double lr = 0.01, b1 = 0.9, b2 = 0.99, eps = 1e-6, wd = 0.1;
        using var p = new Parameter(tensor(Initial.Select(v => (float)v).ToArray()), requires_grad: true);
        using var adam = new AdamW([new OptimizedParameter("p", p, decay)], b1, b2, eps, wd);
        var expected = Initial.ToArray();
        var m = new double[3];
        var v = new double[3];
        for (int t = 1; t <= Gradients.Length; t++)
        {
            SetGradient(p, Gradients[t - 1]);
            adam.Step(lr);
            for (int i = 0; i < 3; i++)
            {
                double g = Gradients[t - 1][i];
                if (decay) expected[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.Pow(b1, t));
                double vHat = v[i] / (1 - Math.Pow(b2, t));
                expected[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
            var actual = p.data<float>().ToArray();
            for (int i = 0; i < 3; i++)
                Assert.AreEqual(expected[i], actual[i], 2e-6, $"step {t}, element {i}");
            Assert.AreEqual(t, adam.StepCount("p"));
        }
    }

    [TestMethod]
    public void ParameterWithoutGradientIsNotTouched()
    {
        using var p = new Parameter(tensor(new float[] { 1, 2 }), requires_grad: true);
        using var adam = new AdamW([new OptimizedParameter("p", p, true)], 0.9, 0.999, 1e-8, 0.5);
        adam.Step(0.1);
        CollectionAssert.AreEqual(new float[] { 1, 2 }, p.data<float>().ToArray());
        Assert.AreEqual(0, adam.StepCount("p"));
        Assert.AreEqual(0, adam.StateBytes);
    }

    [TestMethod]
    public void ExportedStateContinuesExactly()
    {
        using var a = new Parameter(tensor(Initial.Select(x => (float)x).ToArray()), requires_grad: true);
        using var b = new Parameter(tensor(Initial.Select(x => (float)x).ToArray()), requires_grad: true);
        using var first = new AdamW([new OptimizedParameter("w", a, true)], 0.9, 0.999, 1e-8, 0.01);
        SetGradient(a, Gradients[0]);
        first.Step(0.01);
        using (no_grad()) b.copy_(a);
        var (tensors, steps) = first.ExportState();
        var saved = tensors.ToDictionary(t => t.Key, t => t.Value.clone());
        using var second = new AdamW([new OptimizedParameter("w", b, true)], 0.9, 0.999, 1e-8, 0.01);
        second.ImportState(name => saved.TryGetValue(name, out var t) ? t : null, steps, "test");
        Assert.AreEqual(12 * 2, second.StateBytes);

        SetGradient(a, Gradients[1]);
        first.Step(0.01);
        SetGradient(b, Gradients[1]);
        second.Step(0.01);
        CollectionAssert.AreEqual(a.data<float>().ToArray(), b.data<float>().ToArray());
    }

    [TestMethod]
    public void ImportRejectsStateOfAnUnknownParameter()
    {
        using var p = new Parameter(zeros(2), requires_grad: true);
        using var adam = new AdamW([new OptimizedParameter("p", p, true)], 0.9, 0.999, 1e-8, 0);
        var e = Assert.ThrowsExactly<InvalidDataException>(() =>
            adam.ImportState(_ => zeros(2), new Dictionary<string, long> { ["q"] = 1 }, "ckpt"));
        StringAssert.Contains(e.Message, "q");
    }

    // Gradient of sum(p · g) with respect to p is g: a real backward pass sets it.
    private static void SetGradient(Parameter p, double[] gradient)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            using var old = p.grad;
            if (old is not null) p.grad = null;
        }
        (p * tensor(gradient.Select(x => (float)x).ToArray())).sum().backward();
    }
}
