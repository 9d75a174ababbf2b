namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// One tensor entry of a safetensors header. Offsets are relative to the start of the data section (the byte after
/// the header), exactly as written in the header's <c>data_offsets</c>.
/// </summary>
/// <param name="Name">Tensor name (the header key).</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions; empty for a 0-d (scalar) tensor.</param>
/// <param name="DataBegin">First byte of the tensor data, relative to the data section.</param>
/// <param name="DataEnd">One past the last byte of the tensor data, relative to the data section.</param>
public sealed record SafetensorsTensorInfo(
    string Name,
    SafetensorsDType DType,
    IReadOnlyList<long> Shape,
    long DataBegin,
    long DataEnd)
{
    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a 0-d tensor).</summary>
    public long ElementCount { get; } = Product(Shape);

    /// <summary>Number of data bytes, <see cref="DataEnd"/> − <see cref="DataBegin"/>.</summary>
    public long ByteLength => DataEnd - DataBegin;

    /// <summary>Compares names, dtypes, offsets and the shape element by element.</summary>
    /// <param name="other">The other entry.</param>
    /// <returns><see langword="true"/> when both describe the same tensor entry.</returns>
    public bool Equals(SafetensorsTensorInfo? other) =>
        other is not null
        && Name == other.Name
        && DType == other.DType
        && DataBegin == other.DataBegin
        && DataEnd == other.DataEnd
        && Shape.SequenceEqual(other.Shape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name);
        hash.Add(DType);
        hash.Add(DataBegin);
        hash.Add(DataEnd);
        foreach (long dim in Shape)
        {
            hash.Add(dim);
        }

        return hash.ToHashCode();
    }

    /// <summary>Renders like <c>name F32[2, 3] @ [0, 24)</c>.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => $"{Name} {DType}[{string.Join(", ", Shape)}] @ [{DataBegin}, {DataEnd})";

    private static long Product(IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (long dim in shape)
        {
            count = checked(count * dim);
        }

        return count;
    }
}
