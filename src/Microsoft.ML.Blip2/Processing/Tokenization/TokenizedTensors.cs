using TorchSharp;

namespace Microsoft.ML.Blip2.Processing;

/// <summary><c>[B, T]</c> int64 tensors of a tokenized batch; disposing this disposes them.</summary>
/// <param name="InputIds">Token ids.</param>
/// <param name="AttentionMask">Attention mask (1 = token, 0 = padding).</param>
/// <param name="TokenTypeIds">Token type ids, when the model uses them.</param>
public sealed record TokenizedTensors(torch.Tensor InputIds, torch.Tensor AttentionMask, torch.Tensor? TokenTypeIds)
    : IDisposable
{
    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        TokenTypeIds?.Dispose();
    }
}
