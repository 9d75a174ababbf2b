using Microsoft.ML.Blip2.Configuration;
namespace Microsoft.ML.Blip2.Generation;

/// <summary>The finished hypotheses of one input row (Hugging Face <c>BeamHypotheses</c>), best <c>numBeams</c> kept.</summary>
internal sealed class BeamHypotheses(int numBeams, double lengthPenalty, EarlyStoppingMode earlyStopping, long maxLength)
{
    private readonly List<(double Score, long[] Tokens)> _beams = [];
    private double _worstScore = 1e9;

    public IReadOnlyList<(double Score, long[] Tokens)> Beams => _beams;

    public int Count => _beams.Count;

    /// <summary>Adds a hypothesis scored <c>sumLogprobs / generatedLength^lengthPenalty</c> if it beats the worst kept one.</summary>
    public void Add(long[] tokens, double sumLogprobs, long generatedLength)
    {
        double score = sumLogprobs / Math.Pow(generatedLength, lengthPenalty);
        if (_beams.Count < numBeams || score > _worstScore)
        {
            _beams.Add((score, tokens));
            if (_beams.Count > numBeams)
            {
                // Python's sorted() over (score, index) tuples: the lowest score, ties by insertion order.
                var order = _beams.Select((b, i) => (b.Score, i)).OrderBy(t => t.Score).ThenBy(t => t.i).ToList();
                _beams.RemoveAt(order[0].i);
                _worstScore = order[1].Score;
            }
            else
            {
                _worstScore = Math.Min(score, _worstScore);
            }
        }
    }

    /// <summary>Whether no unfinished beam can still improve this row.</summary>
    public bool IsDone(double bestSumLogprobs, long currentLength, long promptLength)
    {
        if (_beams.Count < numBeams) return false;
        switch (earlyStopping)
        {
            case EarlyStoppingMode.WhenNumBeamsFinished:
                return true;
            case EarlyStoppingMode.Heuristic:
                return _worstScore >= bestSumLogprobs / Math.Pow(currentLength - promptLength, lengthPenalty);
            default:
                long length = lengthPenalty > 0 ? maxLength - promptLength : currentLength - promptLength;
                if (length <= 0) throw new InvalidOperationException("max_length must exceed the decoder prompt length for EarlyStopping.Never.");
                return _worstScore >= bestSumLogprobs / Math.Pow(length, lengthPenalty);
        }
    }
}
