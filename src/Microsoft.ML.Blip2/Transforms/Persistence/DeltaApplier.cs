using Microsoft.ML.Blip2.IO;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>Overwrites parameters of a loaded model, in place, with the tensors of a delta file.</summary>
internal static class DeltaApplier
{
    /// <summary>
    /// Copies every tensor of <paramref name="deltaPath"/> into the parameter of the same name. In-place copies keep
    /// tied parameters tied (writing into memory-mapped weights touches private copy-on-write pages, never the file).
    /// </summary>
    public static void Apply(Blip2Module model, string deltaPath)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        using var delta = SafetensorsFile.Open(deltaPath);
        using var noGrad = no_grad();
        foreach (SafetensorsTensorInfo info in delta.Tensors)
        {
            if (!parameters.TryGetValue(info.Name, out var parameter))
                throw new InvalidDataException($"Delta weights in '{deltaPath}': tensor '{info.Name}' is not a parameter of the model.");
            if (!info.Shape.SequenceEqual(parameter.shape))
            {
                throw new InvalidDataException(
                    $"Delta weights in '{deltaPath}': tensor '{info.Name}' has shape [{string.Join(",", info.Shape)}], the model's parameter [{string.Join(",", parameter.shape)}].");
            }

            using var value = delta.LoadTensor(info.Name, parameter.dtype, parameter.device);
            parameter.copy_(value);
        }
    }
}
