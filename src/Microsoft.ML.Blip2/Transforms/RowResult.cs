namespace Microsoft.ML.Blip2.Transforms;

/// <summary>The outputs of one row.</summary>
/// <param name="Succeeded">False when the row's image could not be read (and <c>FailOnBadImage</c> is off).</param>
/// <param name="Text">Generated text; empty for matching or failed rows.</param>
/// <param name="MatchScore">ITM probability or ITC cosine; NaN otherwise.</param>
/// <param name="SequenceScore">Score of the generated sequence; NaN otherwise.</param>
/// <param name="TokenIds">Generated token ids; empty otherwise.</param>
internal sealed record RowResult(bool Succeeded, string Text, float MatchScore, float SequenceScore, long[] TokenIds)
{
    /// <summary>The result of a row whose image could not be read.</summary>
    public static RowResult Failed { get; } = new(false, string.Empty, float.NaN, float.NaN, []);
}
