using Microsoft.ML.Blip2.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Tests.Modeling;

[TestClass]
public sealed class ModelMemoryTests
{
    [TestMethod]
    public void HundredForwardCallsLeaveNoLiveTensorsBehind()
    {
        using var model = Blip2ForConditionalGeneration.FromPretrained(Path.Combine(TestPaths.GoldenDirectory, "opt", "model"));
        using var pixels = rand(2, 3, 30, 30);
        using var ids = tensor(new long[] { 2, 5, 6, 7, 2, 9, 1, 1 }, [2, 4]);
        using var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 0, 0 }, [2, 4]);
        using (model.Forward(pixels, ids, mask, labels: ids)) { }
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 100; i++)
        {
            using var output = model.Forward(pixels, ids, mask, labels: ids);
            Assert.IsFalse(output.Logits.requires_grad, "inference must not build an autograd graph");
        }
        Assert.AreEqual(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount, "live tensors after 100 forward calls");
    }

    [TestMethod]
    public void ForwardIsDeterministicAndIndependentOfBatchComposition()
    {
        using var model = Blip2ForConditionalGeneration.FromPretrained(Path.Combine(TestPaths.GoldenDirectory, "t5", "model"));
        using var pixels = rand(2, 3, 30, 30);
        using var ids = tensor(new long[] { 5, 6, 7, 1, 9, 10, 1, 0 }, [2, 4]);
        using var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 0 }, [2, 4]);
        using var decoder = tensor(new long[] { 0, 4, 0, 8 }, [2, 2]);
        using var both = model.Forward(pixels, ids, mask, decoder);
        using var first = model.Forward(pixels.narrow(0, 0, 1), ids.narrow(0, 0, 1), mask.narrow(0, 0, 1), decoder.narrow(0, 0, 1));
        Assert.IsTrue(both.Logits.narrow(0, 0, 1).allclose(first.Logits, rtol: 1e-5, atol: 1e-5));
    }
}
