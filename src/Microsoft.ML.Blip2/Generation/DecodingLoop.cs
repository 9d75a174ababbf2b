using Microsoft.ML.Blip2.Generation.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Generation;

/// <summary>What a decoding loop needs beyond the options: lengths as Hugging Face counts them and the starting ids.</summary>
/// <param name="InitialIds">The ids the language model has already seen <c>[B, p]</c> (empty for OPT with embeddings, the start token for T5).</param>
/// <param name="MaxLength">Stop when the id count reaches this (Hugging Face <c>max_length</c> after its adjustments).</param>
/// <param name="MinLength">End-of-sequence is forbidden below this id count.</param>
public sealed record DecodingPlan(Tensor InitialIds, long MaxLength, int MinLength);

/// <summary>Greedy search, sampling and beam search over a <see cref="DecoderSession"/> with Hugging Face's semantics.</summary>
public static class DecodingLoop
{
    /// <summary>Runs the strategy the options select. <paramref name="onTokens"/> sees each step's tokens (greedy/sampling).</summary>
    public static GenerationOutput Run(DecoderSession session, DecodingPlan plan, GenerationOptions options,
        CancellationToken cancellationToken = default, Action<Tensor>? onTokens = null)
    {
        options.Validate();
        return options.NumBeams > 1
            ? BeamSearch(session, plan, options, cancellationToken)
            : GreedyOrSample(session, plan, options, cancellationToken, onTokens);
    }

    private static long PadId(GenerationOptions options) =>
        options.PadTokenId ?? (options.EosTokenIds is { Count: > 0 } eos ? eos[0] : 0);

    private static GenerationOutput GreedyOrSample(DecoderSession session, DecodingPlan plan, GenerationOptions options,
        CancellationToken cancellationToken, Action<Tensor>? onTokens)
    {
        var eos = options.EosTokenIds ?? [];
        long pad = PadId(options);
        long promptLength = plan.InitialIds.shape[1];
        var processors = LogitsProcessorList.Build(options, plan.MinLength, promptLength);
        using var generator = options.DoSample && options.Seed is long seed ? new Generator((ulong)seed) : null;
        var ids = plan.InitialIds.to(ScalarType.Int64).alias().DetachFromDisposeScope();
        if (options.DoSample && options.NumReturnSequences > 1)
        {
            using var expand = arange(ids.shape[0], device: ids.device).repeat_interleave(options.NumReturnSequences);
            session.SelectRows(expand);
            var expanded = ids.index_select(0, expand).DetachFromDisposeScope();
            ids.Dispose();
            ids = expanded;
        }
        var unfinished = ones(ids.shape[0], dtype: ScalarType.Bool, device: ids.device).DetachFromDisposeScope();
        using var eosTensor = tensor(eos.ToArray(), device: ids.device);
        var scores = new List<Tensor>();
        try
        {
            var logits = session.NextLogits(null).DetachFromDisposeScope();
            while (true)
            {
                using var scope = NewDisposeScope();
                var processed = processors.Process(ids, logits);
                logits.Dispose();
                Tensor next;
                if (options.DoSample)
                    next = multinomial(processed.softmax(-1), 1, generator: generator).squeeze(1);
                else
                    next = processed.argmax(-1);
                if (eos.Count > 0)
                    next = where(unfinished, next, full_like(next, pad));
                var newIds = cat([ids, next.unsqueeze(1)], 1).DetachFromDisposeScope();
                ids.Dispose();
                ids = newIds;
                if (options.OutputScores) scores.Add(processed.DetachFromDisposeScope());
                onTokens?.Invoke(next);
                if (eos.Count > 0)
                {
                    var stillRunning = unfinished.logical_and(isin(next, eosTensor).logical_not()).DetachFromDisposeScope();
                    unfinished.Dispose();
                    unfinished = stillRunning;
                }
                if (ids.shape[1] >= plan.MaxLength || !unfinished.any().item<bool>()) break;
                cancellationToken.ThrowIfCancellationRequested();
                logits = session.NextLogits(next).DetachFromDisposeScope();
            }
            Tensor? stacked = options.OutputScores && scores.Count > 0 ? stack(scores, 0) : null;
            return new GenerationOutput(ids, stacked, null);
        }
        catch
        {
            ids.Dispose();
            throw;
        }
        finally
        {
            unfinished.Dispose();
            foreach (var s in scores) s.Dispose();
        }
    }

    private static GenerationOutput BeamSearch(DecoderSession session, DecodingPlan plan, GenerationOptions options, CancellationToken cancellationToken)
    {
        var eos = options.EosTokenIds ?? [];
        long pad = PadId(options);
        int beams = options.NumBeams;
        long batch = plan.InitialIds.shape[0];
        long promptLength = plan.InitialIds.shape[1];
        var processors = LogitsProcessorList.Build(options, plan.MinLength, promptLength);
        var scorer = new BeamSearchScorer((int)batch, beams, options.NumReturnSequences, options.LengthPenalty, options.EarlyStopping, plan.MaxLength);
        var scores = new List<Tensor>();
        Tensor ids, beamScores;
        using (var expand = arange(batch, device: plan.InitialIds.device).repeat_interleave(beams))
        {
            session.SelectRows(expand);
            ids = plan.InitialIds.to(ScalarType.Int64).index_select(0, expand).DetachFromDisposeScope();
        }
        {
            var init = zeros([batch, beams], ScalarType.Float32);
            if (beams > 1) init[TensorIndex.Colon, TensorIndex.Slice(1, null)] = -1e9f;
            beamScores = init.reshape(-1).DetachFromDisposeScope();
        }
        try
        {
            var logits = session.NextLogits(null).DetachFromDisposeScope();
            int candidates = Math.Max(2, 1 + eos.Count) * beams;
            while (true)
            {
                using var scope = NewDisposeScope();
                var logProbs = logits.log_softmax(-1);
                logits.Dispose();
                var processed = processors.Process(ids, logProbs);
                var total = processed + beamScores.unsqueeze(1);
                if (options.OutputScores) scores.Add(processed.DetachFromDisposeScope());
                long vocab = total.shape[1];
                var (topScores, topIndices) = total.view(batch, beams * vocab).topk(candidates, dim: 1, largest: true, sorted: true);
                var sourceBeams = topIndices.div(vocab, RoundingMode.floor);
                var tokens = topIndices.remainder(vocab);
                var (nextScores, nextTokens, nextRows) = scorer.Process(ToRows(ids), topScores.data<float>().ToArray(),
                    tokens.data<long>().ToArray(), sourceBeams.data<long>().ToArray(), candidates, eos, pad, promptLength);
                var rows = tensor(nextRows, device: ids.device);
                var tokenTensor = tensor(nextTokens, device: ids.device);
                var newIds = cat([ids.index_select(0, rows), tokenTensor.unsqueeze(1)], 1).DetachFromDisposeScope();
                ids.Dispose();
                ids = newIds;
                var newBeamScores = tensor(nextScores).DetachFromDisposeScope();
                beamScores.Dispose();
                beamScores = newBeamScores;
                session.SelectRows(rows);
                if (scorer.IsDone || ids.shape[1] >= plan.MaxLength) break;
                cancellationToken.ThrowIfCancellationRequested();
                logits = session.NextLogits(tokenTensor).DetachFromDisposeScope();
            }
            var (sequences, sequenceScores) = scorer.Finalize(ToRows(ids), beamScores.data<float>().ToArray(), eos, pad, plan.MaxLength, promptLength);
            Tensor? stacked = options.OutputScores && scores.Count > 0 ? stack(scores, 0) : null;
            return new GenerationOutput(sequences, stacked, sequenceScores);
        }
        finally
        {
            ids.Dispose();
            beamScores.Dispose();
            foreach (var s in scores) s.Dispose();
        }
    }

    private static long[][] ToRows(Tensor ids)
    {
        long rows = ids.shape[0], length = ids.shape[1];
        var flat = length == 0 ? [] : ids.cpu().data<long>().ToArray();
        var result = new long[rows][];
        for (long r = 0; r < rows; r++)
            result[r] = flat.AsSpan((int)(r * length), (int)length).ToArray();
        return result;
    }
}
