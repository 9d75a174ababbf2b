using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Layers;

/// <summary>
/// Disables autograd for a call unless the module is in training mode (<c>module.train()</c>), so inference never
/// builds a graph while trainers get gradients from the same forward code.
/// </summary>
internal static class InferenceMode
{
    /// <summary>Enters <c>no_grad</c> when <paramref name="module"/> is in eval mode; the result must be disposed.</summary>
    public static IDisposable Enter(nn.Module module) => module.training ? NoOp.Instance : no_grad();

    private sealed class NoOp : IDisposable
    {
        public static readonly NoOp Instance = new();
        public void Dispose() { }
    }
}
