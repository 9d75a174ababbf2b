using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Layers;

/// <summary>
/// T5's layer norm: scales by the root mean square (no mean subtraction, no bias). The variance is computed in float32
/// and the result is cast back to the weight's dtype when that is half precision, as Hugging Face's T5LayerNorm does.
/// </summary>
public sealed class RmsNorm : Blip2Module
{
#pragma warning disable IDE1006
    private Parameter weight;
#pragma warning restore IDE1006

    /// <summary>Creates a placeholder RMS norm.</summary>
    public RmsNorm(long size, double eps, ModuleOptions options) : base(nameof(RmsNorm))
    {
        Eps = eps;
        weight = options.NewParameter(size);
        RegisterComponents();
    }

    /// <summary>The epsilon added to the mean square.</summary>
    public double Eps { get; }

    /// <summary>Applies the normalisation.</summary>
    public Tensor Forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var variance = input.to(ScalarType.Float32).pow(2).mean([-1L], keepdim: true);
        var normed = input * rsqrt(variance + Eps);
        if (weight.dtype is ScalarType.Float16 or ScalarType.BFloat16)
            normed = normed.to(weight.dtype);
        return (weight * normed).MoveToOuterDisposeScope();
    }
}
