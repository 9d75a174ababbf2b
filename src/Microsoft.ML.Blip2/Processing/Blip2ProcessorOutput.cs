using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>What <see cref="Blip2Processor"/> produces: model inputs as tensors the caller owns.</summary>
/// <param name="PixelValues"><c>[B, 3, H, W]</c> float32, or null when no images were given.</param>
/// <param name="InputIds"><c>[B, T]</c> int64, or null when no texts were given.</param>
/// <param name="AttentionMask"><c>[B, T]</c> int64 (1 = token, 0 = padding), or null when no texts were given.</param>
public sealed record Blip2ProcessorOutput(Tensor? PixelValues, Tensor? InputIds, Tensor? AttentionMask) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        PixelValues?.Dispose();
        InputIds?.Dispose();
        AttentionMask?.Dispose();
    }
}
