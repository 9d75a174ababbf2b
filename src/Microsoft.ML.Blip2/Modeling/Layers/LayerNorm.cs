using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Layers;

/// <summary>Layer normalisation over the last dimension (<c>torch.nn.LayerNorm</c>: <c>weight</c>, <c>bias</c>).</summary>
public sealed class LayerNorm : Blip2Module
{
#pragma warning disable IDE1006
    private Parameter? weight;
    private Parameter? bias;
#pragma warning restore IDE1006
    private readonly long _size;

    /// <summary>Creates a placeholder layer norm; without affine parameters when <paramref name="elementwiseAffine"/> is false.</summary>
    public LayerNorm(long size, double eps, ModuleOptions options, bool elementwiseAffine = true) : base(nameof(LayerNorm))
    {
        _size = size;
        Eps = eps;
        if (elementwiseAffine)
        {
            weight = options.NewParameter(size);
            bias = options.NewParameter(size);
        }
        RegisterComponents();
    }

    /// <summary>The epsilon added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Applies the normalisation.</summary>
    public Tensor Forward(Tensor input) => nn.functional.layer_norm(input, [_size], weight, bias, Eps);
}
