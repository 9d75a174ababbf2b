using static TorchSharp.torch;

namespace Blip2.Trainers.Data;

/// <summary>Collated token tensors of a batch (int64). The caller owns and disposes them.</summary>
/// <param name="InputIds"><c>[B, T]</c> ids, right padded.</param>
/// <param name="AttentionMask"><c>[B, T]</c> 1 on tokens, 0 on padding.</param>
/// <param name="Labels">Targets with −100 on ignored positions, or null when the objective needs none.</param>
public sealed record TokenBatch(Tensor InputIds, Tensor AttentionMask, Tensor? Labels) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        Labels?.Dispose();
    }
}
