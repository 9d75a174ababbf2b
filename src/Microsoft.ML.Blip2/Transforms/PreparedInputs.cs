using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Transforms;

/// <summary>Model inputs of one batch; disposing disposes the tensors.</summary>
/// <param name="PixelValues"><c>[B, 3, H, W]</c> float32.</param>
/// <param name="InputIds"><c>[B, T]</c> int64, when texts were given.</param>
/// <param name="AttentionMask"><c>[B, T]</c> int64, when texts were given.</param>
internal sealed record PreparedInputs(Tensor PixelValues, Tensor? InputIds, Tensor? AttentionMask) : IDisposable
{
    /// <summary>Moves the tensors to the caller's dispose scope.</summary>
    public void MoveToOuterScope()
    {
        PixelValues.MoveToOuterDisposeScope();
        InputIds?.MoveToOuterDisposeScope();
        AttentionMask?.MoveToOuterDisposeScope();
    }

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        PixelValues.Dispose();
        InputIds?.Dispose();
        AttentionMask?.Dispose();
    }
}
