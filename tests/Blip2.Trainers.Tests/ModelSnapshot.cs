using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Blip2.Trainers.Tests;

/// <summary>Copies of every parameter of a model, for comparing weights after training.</summary>
public static class ModelSnapshot
{
    /// <summary>Name → float32 values of every parameter.</summary>
    public static Dictionary<string, float[]> Take(Blip2Module model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().to(ScalarType.Float32).data<float>().ToArray());

    /// <summary>Asserts both snapshots are bit-identical.</summary>
    public static void AssertIdentical(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual, string what)
    {
        CollectionAssert.AreEquivalent(expected.Keys.ToList(), actual.Keys.ToList(), $"{what}: parameter names");
        foreach (var (name, values) in expected)
            CollectionAssert.AreEqual(values, actual[name], $"{what}: {name} differs");
    }

    /// <summary>Largest absolute difference over all parameters.</summary>
    public static double MaxDifference(Dictionary<string, float[]> a, Dictionary<string, float[]> b) =>
        a.Max(p => p.Value.Zip(b[p.Key]).Select(x => Math.Abs((double)x.First - x.Second)).DefaultIfEmpty(0).Max());
}
