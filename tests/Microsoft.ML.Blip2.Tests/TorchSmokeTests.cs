using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Tests;

[TestClass]
public sealed class TorchSmokeTests
{
    [TestMethod]
    public void MatmulRunsOnTheNativeBackend()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        using var b = torch.tensor(new float[] { 5, 6, 7, 8 }, new long[] { 2, 2 });
        using var c = a.matmul(b);
        CollectionAssert.AreEqual(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }
}
