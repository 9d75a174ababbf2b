using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Layers;

/// <summary><c>y = x Wᵀ + b</c>, with the parameter names of <c>torch.nn.Linear</c> (<c>weight</c>, <c>bias</c>).</summary>
public sealed class Linear : Blip2Module
{
#pragma warning disable IDE1006 // field names are the checkpoint's component names
    private Parameter weight;
    private Parameter? bias;
#pragma warning restore IDE1006

    /// <summary>Creates a placeholder layer mapping <paramref name="inFeatures"/> to <paramref name="outFeatures"/>.</summary>
    public Linear(long inFeatures, long outFeatures, bool hasBias, ModuleOptions options) : base(nameof(Linear))
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        weight = options.NewParameter(outFeatures, inFeatures);
        bias = hasBias ? options.NewParameter(outFeatures) : null;
        RegisterComponents();
    }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <summary>The weight <c>[out, in]</c>.</summary>
    public Parameter Weight => weight;

    /// <summary>The bias <c>[out]</c>, or null.</summary>
    public Parameter? Bias => bias;

    /// <summary>Applies the layer.</summary>
    public Tensor Forward(Tensor input) => nn.functional.linear(input, weight, bias);
}
