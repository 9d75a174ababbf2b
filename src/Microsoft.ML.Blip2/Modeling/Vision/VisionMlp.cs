using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Vision;

/// <summary><c>fc2(act(fc1(x)))</c> (<c>Blip2MLP</c>).</summary>
public sealed class VisionMlp : Blip2Module
{
#pragma warning disable IDE1006
    private readonly Linear fc1;
    private readonly Linear fc2;
#pragma warning restore IDE1006
    private readonly Func<Tensor, Tensor> _activation;

    /// <summary>Creates a placeholder MLP.</summary>
    public VisionMlp(long hidden, long intermediate, string activation, ModuleOptions options) : base(nameof(VisionMlp))
    {
        fc1 = new Linear(hidden, intermediate, true, options);
        fc2 = new Linear(intermediate, hidden, true, options);
        _activation = Activations.Get(activation);
        RegisterComponents();
    }

    /// <summary>Applies the MLP.</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return fc2.Forward(_activation(fc1.Forward(x))).MoveToOuterDisposeScope();
    }
}
