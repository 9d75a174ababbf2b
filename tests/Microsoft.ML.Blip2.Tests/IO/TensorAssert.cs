using TorchSharp;

namespace Microsoft.ML.Blip2.Tests.IO;

internal static class TensorAssert
{
    /// <summary>Same dtype, same shape and the same bytes (bit-exact, NaN payloads included).</summary>
    public static void AreIdentical(torch.Tensor expected, torch.Tensor actual, string? message = null)
    {
        Assert.AreEqual(expected.dtype, actual.dtype, message);
        CollectionAssert.AreEqual(expected.shape, actual.shape, message);
        using torch.Tensor left = expected.contiguous(), right = actual.contiguous();
        CollectionAssert.AreEqual(left.bytes.ToArray(), right.bytes.ToArray(), message);
    }
}
