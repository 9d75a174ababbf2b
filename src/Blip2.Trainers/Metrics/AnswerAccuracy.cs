namespace Blip2.Trainers.Metrics;

/// <summary>Exact-match accuracy of generated answers (VQA style), on token ids.</summary>
public static class AnswerAccuracy
{
    /// <summary>
    /// Fraction of rows whose generated ids equal the target ids after removing <paramref name="ignoredIds"/> (BOS, EOS,
    /// padding, decoder start, …) from both.
    /// </summary>
    /// <param name="generated">Generated id sequences (e.g. rows of <c>Generate(...).Sequences</c>).</param>
    /// <param name="targets">Reference answer ids, one per generated row.</param>
    /// <param name="ignoredIds">Special ids that do not count.</param>
    public static double ExactMatch(IReadOnlyList<IReadOnlyList<long>> generated, IReadOnlyList<IReadOnlyList<long>> targets, IEnumerable<long> ignoredIds)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(ignoredIds);
        if (generated.Count != targets.Count)
            throw new ArgumentException($"{generated.Count} generated rows but {targets.Count} targets.", nameof(targets));
        if (generated.Count == 0) throw new ArgumentException("No rows to compare.", nameof(generated));
        var ignored = ignoredIds.ToHashSet();
        int matches = 0;
        for (int i = 0; i < generated.Count; i++)
        {
            if (generated[i].Where(id => !ignored.Contains(id)).SequenceEqual(targets[i].Where(id => !ignored.Contains(id))))
                matches++;
        }
        return (double)matches / generated.Count;
    }
}
