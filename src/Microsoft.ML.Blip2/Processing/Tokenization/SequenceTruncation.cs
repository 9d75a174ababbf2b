namespace Microsoft.ML.Blip2.Processing;

/// <summary>Hugging Face <c>truncate_sequences</c> with the <c>longest_first</c> strategy (what <c>truncation=True</c> means).</summary>
internal static class SequenceTruncation
{
    public static (List<int> Ids, List<int>? PairIds) Truncate(List<int> ids, List<int>? pairIds, int tokensToRemove, TruncationSide side, int row)
    {
        if (pairIds is null)
        {
            if (ids.Count <= tokensToRemove)
            {
                // HF logs an error and returns the row untruncated; an over-long row would break the caller silently.
                throw new ArgumentException(
                    $"Row {row}: cannot remove {tokensToRemove} tokens from a sequence of {ids.Count}; max length is smaller than the special tokens.");
            }

            return (side == TruncationSide.Right ? ids[..^tokensToRemove] : ids[tokensToRemove..], null);
        }

        // Pairs: first even out the lengths from the longer sequence, then split the rest (the pair gets the odd one).
        if (ids.Count + pairIds.Count < tokensToRemove)
        {
            throw new ArgumentException($"Row {row}: cannot remove {tokensToRemove} tokens from a pair of {ids.Count} + {pairIds.Count}.");
        }

        int firstRemove = Math.Min(Math.Abs(pairIds.Count - ids.Count), tokensToRemove);
        int secondRemove = tokensToRemove - firstRemove;
        (int fromIds, int fromPair) = ids.Count > pairIds.Count
            ? (firstRemove + secondRemove / 2, secondRemove - secondRemove / 2)
            : (secondRemove / 2, firstRemove + secondRemove - secondRemove / 2);
        return (Cut(ids, fromIds, side), Cut(pairIds, fromPair, side));
    }

    private static List<int> Cut(List<int> ids, int count, TruncationSide side) =>
        side == TruncationSide.Right ? ids[..^count] : ids[count..];
}
