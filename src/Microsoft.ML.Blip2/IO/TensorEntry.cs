using TorchSharp;

namespace Microsoft.ML.Blip2.IO;

/// <summary>A named tensor about to be written, with its safetensors dtype, shape and byte length.</summary>
internal sealed record TensorEntry(string Name, torch.Tensor Tensor, SafetensorsDType DType, long[] Shape, long ByteLength)
{
    /// <summary>Validates names and tensors and snapshots their dtype/shape, in the given order.</summary>
    internal static List<TensorEntry> Collect(IEnumerable<KeyValuePair<string, torch.Tensor>> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = new List<TensorEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, torch.Tensor tensor) in tensors)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(tensors));
            if (name == SafetensorsHeaderReader.MetadataKey)
            {
                throw new ArgumentException($"'{name}' is reserved for the metadata map and cannot name a tensor.", nameof(tensors));
            }

            if (!IsValidUnicode(name))
            {
                throw new ArgumentException($"Tensor name '{name}' contains an unpaired surrogate and cannot be written as UTF-8.", nameof(tensors));
            }

            if (!names.Add(name))
            {
                throw new ArgumentException($"Tensor name '{name}' appears more than once.", nameof(tensors));
            }

            if (tensor is null || tensor.IsInvalid)
            {
                throw new ArgumentException($"Tensor '{name}' is null or disposed.", nameof(tensors));
            }

            if (!SafetensorsDTypeExtensions.TryFromScalarType(tensor.dtype, out SafetensorsDType dtype))
            {
                throw new ArgumentException($"Tensor '{name}' has element type {tensor.dtype}, which safetensors cannot store here (supported: {SafetensorsDTypeExtensions.SupportedNames}).", nameof(tensors));
            }

            long[] shape = tensor.shape;
            entries.Add(new TensorEntry(name, tensor, dtype, shape, checked(tensor.numel() * dtype.GetItemSize())));
        }

        return entries;
    }

    internal static bool IsValidUnicode(string text) => !HasUnpairedSurrogate(text);

    private static bool HasUnpairedSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}
