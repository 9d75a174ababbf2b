using Microsoft.ML.Blip2.Configuration;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Generation;

/// <summary>Hugging Face's <c>BeamSearchScorer</c>: selects the next beams, collects finished hypotheses, picks the best.</summary>
internal sealed class BeamSearchScorer
{
    private readonly int _batch;
    private readonly int _numBeams;
    private readonly int _numReturn;
    private readonly BeamHypotheses[] _hypotheses;
    private readonly bool[] _done;

    public BeamSearchScorer(int batch, int numBeams, int numReturnSequences, double lengthPenalty, EarlyStoppingMode earlyStopping, long maxLength)
    {
        _batch = batch;
        _numBeams = numBeams;
        _numReturn = numReturnSequences;
        _hypotheses = Enumerable.Range(0, batch).Select(_ => new BeamHypotheses(numBeams, lengthPenalty, earlyStopping, maxLength)).ToArray();
        _done = new bool[batch];
    }

    public bool IsDone => _done.All(d => d);

    /// <summary>
    /// One step: from the top candidates <c>[B, 2·beams]</c> (score, token, source beam) choose the next
    /// <c>beams</c> per row; candidates ending in EOS within the top <c>beams</c> ranks become hypotheses.
    /// </summary>
    public (float[] Scores, long[] Tokens, long[] Rows) Process(long[][] inputIds, float[] candidateScores, long[] candidateTokens,
        long[] candidateBeams, int candidatesPerRow, IReadOnlyList<long> eos, long padTokenId, long promptLength)
    {
        var nextScores = new float[_batch * _numBeams];
        var nextTokens = new long[_batch * _numBeams];
        var nextRows = new long[_batch * _numBeams];
        long currentLength = inputIds[0].Length + 1;
        for (int b = 0; b < _batch; b++)
        {
            if (_done[b])
            {
                for (int j = 0; j < _numBeams; j++)
                {
                    nextScores[b * _numBeams + j] = 0;
                    nextTokens[b * _numBeams + j] = padTokenId;
                    nextRows[b * _numBeams + j] = 0;
                }
                continue;
            }
            int beam = 0;
            for (int rank = 0; rank < candidatesPerRow; rank++)
            {
                int c = b * candidatesPerRow + rank;
                long token = candidateTokens[c];
                long row = b * _numBeams + candidateBeams[c];
                if (eos.Contains(token))
                {
                    if (rank >= _numBeams) continue;
                    _hypotheses[b].Add(inputIds[row], candidateScores[c], currentLength - promptLength);
                }
                else
                {
                    nextScores[b * _numBeams + beam] = candidateScores[c];
                    nextTokens[b * _numBeams + beam] = token;
                    nextRows[b * _numBeams + beam] = row;
                    beam++;
                }
                if (beam == _numBeams) break;
            }
            if (beam < _numBeams)
                throw new InvalidOperationException($"At most {_numBeams} of the top {candidatesPerRow} candidates may be end-of-sequence tokens.");
            float best = float.NegativeInfinity;
            for (int rank = 0; rank < candidatesPerRow; rank++) best = Math.Max(best, candidateScores[b * candidatesPerRow + rank]);
            _done[b] = _done[b] || _hypotheses[b].IsDone(best, currentLength, promptLength);
        }
        return (nextScores, nextTokens, nextRows);
    }

    /// <summary>
    /// Adds the open beams, picks the <c>numReturnSequences</c> best per row, pads to a common length (EOS after a
    /// hypothesis shorter than the maximum, then padding). Returns the sequences and their scores.
    /// </summary>
    public (Tensor Sequences, Tensor Scores) Finalize(long[][] inputIds, float[] beamScores, IReadOnlyList<long> eos, long padTokenId,
        long maxLength, long promptLength)
    {
        for (int b = 0; b < _batch; b++)
        {
            if (_done[b]) continue;
            for (int j = 0; j < _numBeams; j++)
            {
                int row = b * _numBeams + j;
                _hypotheses[b].Add(inputIds[row], beamScores[row], inputIds[row].Length - promptLength);
            }
        }
        var best = new List<long[]>();
        var bestScores = new float[_batch * _numReturn];
        for (int b = 0; b < _batch; b++)
        {
            // Python: sorted by score (stable), then pop() from the end.
            var sorted = _hypotheses[b].Beams.OrderBy(h => h.Score).ToList();
            for (int j = 0; j < _numReturn; j++)
            {
                var top = sorted[^1];
                sorted.RemoveAt(sorted.Count - 1);
                best.Add(top.Tokens);
                bestScores[b * _numReturn + j] = (float)top.Score;
            }
        }
        long longest = best.Max(h => (long)h.Length) + 1;
        long width = Math.Min(longest, maxLength);
        var decoded = new long[best.Count * width];
        Array.Fill(decoded, padTokenId);
        for (int i = 0; i < best.Count; i++)
        {
            var hyp = best[i];
            Array.Copy(hyp, 0, decoded, i * width, Math.Min(hyp.Length, width));
            if (hyp.Length < width && eos.Count > 0) decoded[i * width + hyp.Length] = eos[0];
        }
        return (tensor(decoded, [best.Count, width]), tensor(bestScores));
    }
}
