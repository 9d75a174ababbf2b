using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Layers;

/// <summary>Where and in which dtype a module's parameters are created.</summary>
/// <param name="Device">The device of the parameters (CPU when null).</param>
/// <param name="DType">The floating-point dtype of the parameters.</param>
public sealed record ModuleOptions(Device? Device = null, ScalarType DType = ScalarType.Float32)
{
    /// <summary>CPU, float32.</summary>
    public static ModuleOptions Default { get; } = new();

    /// <summary>
    /// An uninitialised placeholder parameter of the given shape. Placeholders are replaced by checkpoint weights;
    /// untouched placeholder memory is never committed by the OS.
    /// </summary>
    internal Parameter NewParameter(params long[] shape) =>
        new(empty(shape, DType, Device ?? CPU), requires_grad: false);
}
