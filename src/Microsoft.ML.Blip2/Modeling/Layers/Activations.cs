using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Layers;

/// <summary>The activation functions Hugging Face names in configs (<c>ACT2FN</c>), resolved once per module.</summary>
public static class Activations
{
    /// <summary>Returns the function for a Hugging Face activation name.</summary>
    /// <exception cref="NotSupportedException">The name is not one BLIP-2 checkpoints use.</exception>
    public static Func<Tensor, Tensor> Get(string name) => name switch
    {
        "gelu" => x => nn.functional.gelu(x),
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => x => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        "relu" => x => nn.functional.relu(x),
        "silu" or "swish" => x => nn.functional.silu(x),
        "quick_gelu" => x => x * sigmoid(x * 1.702),
        _ => throw new NotSupportedException(
            $"Activation '{name}' is not supported (supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu, swish, quick_gelu)."),
    };
}
