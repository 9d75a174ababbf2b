namespace Microsoft.ML.Blip2.Processing;

/// <summary>Hugging Face <c>_pad</c> for one row: pad ids, attention mask 0 and token type 0 up to a target length.</summary>
/// <param name="TargetLength">Length to pad to; <see langword="null"/> for no padding. Longer rows are left as they are.</param>
/// <param name="Side">Side that receives the padding.</param>
/// <param name="PadId">Id of the padding token.</param>
internal readonly record struct SequencePadding(int? TargetLength, PaddingSide Side, int PadId)
{
    public (long[] Ids, long[] Mask, long[] Types) Pad(List<int> ids, List<int> types)
    {
        int padding = TargetLength is int target ? Math.Max(0, target - ids.Count) : 0;
        int length = ids.Count + padding;
        var outIds = new long[length];
        var mask = new long[length];
        var outTypes = new long[length];
        int offset = Side == PaddingSide.Left ? padding : 0;
        Array.Fill(outIds, PadId);
        for (int i = 0; i < ids.Count; i++)
        {
            outIds[offset + i] = ids[i];
            mask[offset + i] = 1;
            outTypes[offset + i] = types[i];
        }

        return (outIds, mask, outTypes);
    }
}
