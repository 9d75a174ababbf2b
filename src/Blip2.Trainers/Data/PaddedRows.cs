using static TorchSharp.torch;

namespace Blip2.Trainers.Data;

/// <summary>Right-pads rows of ids into an int64 tensor.</summary>
internal static class PaddedRows
{
    /// <summary><c>[rows, max length]</c> with <paramref name="padValue"/> after each row's end.</summary>
    public static Tensor ToTensor(IReadOnlyList<List<long>> rows, long padValue)
    {
        int width = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        var data = new long[rows.Count * width];
        Array.Fill(data, padValue);
        for (int i = 0; i < rows.Count; i++)
            rows[i].CopyTo(data, i * width);
        return tensor(data, [rows.Count, width], ScalarType.Int64);
    }

    /// <summary>The 0/1 mask of the same layout: 1 on each row's first <c>rows[i].Count</c> positions.</summary>
    public static Tensor Mask(IReadOnlyList<List<long>> rows)
    {
        var ones = rows.Select(r => Enumerable.Repeat(1L, r.Count).ToList()).ToList();
        return ToTensor(ones, 0);
    }
}
