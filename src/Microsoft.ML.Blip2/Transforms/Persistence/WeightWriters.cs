using Microsoft.ML.Blip2.IO;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>Writes delta weights as one safetensors stream, streaming every tensor from its memory-mapped file.</summary>
internal static class WeightWriters
{
    private static readonly Dictionary<string, string> Metadata = new() { ["format"] = "pt" };

    /// <summary>
    /// The tensors of <paramref name="weights"/> whose dtype, shape or bytes differ from <paramref name="baseCheckpoint"/>.
    /// Both must hold the same tensor names (the same architecture).
    /// </summary>
    public static void WriteDifferences(Stream stream, EffectiveWeights weights, SafetensorsCheckpoint baseCheckpoint)
    {
        var missing = weights.Names.Except(baseCheckpoint.Names).Concat(baseCheckpoint.Names.Except(weights.Names)).Take(5).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The base checkpoint '{baseCheckpoint.Directory}' does not have the same tensors as the model (e.g. {string.Join(", ", missing)}); " +
                "weights can only be stored as differences from a checkpoint of the same architecture.");
        }

        var changed = weights.Names.Where(name => !SameTensor(weights, baseCheckpoint, name)).ToList();
        Write(stream, weights, changed);
    }

    private static bool SameTensor(EffectiveWeights weights, SafetensorsCheckpoint baseCheckpoint, string name)
    {
        var info = weights.Info(name);
        var baseInfo = baseCheckpoint.GetInfo(name);
        return info.DType == baseInfo.DType
            && info.Shape.SequenceEqual(baseInfo.Shape)
            && weights.Bytes(name).SequenceEqual(baseCheckpoint.GetFile(name).GetBytes(name));
    }

    private static void Write(Stream stream, EffectiveWeights weights, IReadOnlyList<string> names)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>(names.Count);
        try
        {
            foreach (string name in names)
                tensors.Add(new(name, weights.Load(name)));
            SafetensorsWriter.Write(stream, tensors, Metadata);
        }
        finally
        {
            foreach (var (_, tensor) in tensors)
                tensor.Dispose();
        }
    }
}
