using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Modeling.Language;
using Microsoft.ML.Blip2.Processing;
using Microsoft.ML.Blip2.Transforms.Persistence;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Transforms;

/// <summary>
/// Captioning and visual question answering: one <see cref="Blip2Generation.Generate"/> call per batch, then each row's
/// ids are cut after the first end-of-sequence token and decoded without special tokens (and trimmed, as the model
/// cards' <c>.strip()</c>).
/// </summary>
/// <remarks>
/// Prompts of decoder-only language models (OPT) are padded on the left, so a row's result does not depend on the
/// other rows of its batch; encoder–decoder models (T5) pad on the right (the attention mask covers it).
/// </remarks>
internal sealed class TextGenerationTask : Blip2Task
{
    private readonly Blip2ForConditionalGeneration model;
    private readonly Func<RowInput, string>? promptOf;
    private readonly GenerationOptions generation;
    private readonly HashSet<long> endOfSequence;
    private readonly bool wantsSequenceScore;

    private TextGenerationTask(Blip2TaskKind kind, Blip2TextGenerationOptions options, ModelSource source, Blip2InputPreparer inputs,
        Blip2ForConditionalGeneration model, Func<RowInput, string>? promptOf, string? textColumnName)
        : base(options, source, inputs)
    {
        Kind = kind;
        this.model = model;
        this.promptOf = promptOf;
        TextColumnName = textColumnName;
        wantsSequenceScore = options.SequenceScoreColumnName is not null;
        var requested = options.Generation ?? new GenerationOptions();
        generation = wantsSequenceScore ? requested with { OutputScores = true } : requested;
        endOfSequence = [.. generation.WithDefaultsFrom(model.DefaultGenerationOptions()).EosTokenIds ?? []];
    }

    /// <inheritdoc />
    public override Blip2TaskKind Kind { get; }

    /// <inheritdoc />
    public override string? TextColumnName { get; }

    /// <summary>
    /// Loads the model of <paramref name="source"/>. <paramref name="promptOf"/> gives each row's prompt; without it the
    /// model generates from its start token alone (Hugging Face's <c>generate(pixel_values)</c>).
    /// </summary>
    public static TextGenerationTask Load(Blip2TaskKind kind, Blip2TextGenerationOptions options, ModelSource source,
        Func<RowInput, string>? promptOf, string? textColumnName)
    {
        ApplyThreads(options);
        var device = new Device(options.Device);
        var model = source.LoadModel(dir => Blip2ForConditionalGeneration.FromPretrained(dir, device, options.DType), m => m.Config);
        try
        {
            if (source.Delta is not null)
                model.GenerationConfig = File.Exists(Path.Combine(source.Directory, Configuration.GenerationConfig.FileName))
                    ? Configuration.GenerationConfig.FromDirectory(source.Directory) : null;
            var imageTokens = model.Config.ImageTokenIndex is int imageToken ? ((long)imageToken, model.Config.NumQueryTokens) : ((long, int)?)null;
            var inputs = Blip2InputPreparer.Load(source.Directory, imageTokens);
            return new TextGenerationTask(kind, options, source, inputs, model, promptOf, textColumnName);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private protected override RowResult[] RunModel(IReadOnlyList<RowInput> rows, IReadOnlyList<DecodedImage> images)
    {
        var prompts = promptOf is null ? null : rows.Select(promptOf).ToList();
        var paddingSide = model.LanguageModel is CausalLanguageModel ? PaddingSide.Left : PaddingSide.Right;
        long[] sequences;
        float[]? beamScores = null, tokenLogProbs = null;
        using (var scope = NewDisposeScope())
        {
            var prepared = Inputs.Prepare(images, prompts, paddingSide, Device);
            var (ids, mask) = (prepared.InputIds, prepared.AttentionMask);
            if (ids is null && model.Config.ImageTokenIndex is int imageToken)
            {
                // Hugging Face's generate() without input_ids: [image token] * Q + [bos] for new-style checkpoints.
                long bos = model.DefaultGenerationOptions().BosTokenId
                    ?? throw new InvalidOperationException($"The checkpoint in '{Source.Directory}' has no bos_token_id to start generation from.");
                ids = cat([full([rows.Count, model.Config.NumQueryTokens], (long)imageToken, ScalarType.Int64, Device), full([rows.Count, 1], bos, ScalarType.Int64, Device)], 1);
            }

            lock (Sync)
            {
                CountRun();
                using var output = model.Generate(prepared.PixelValues, ids, mask, generation);
                sequences = output.Sequences.cpu().data<long>().ToArray();
                if (output.SequencesScores is { } sequenceScores)
                    beamScores = sequenceScores.to(ScalarType.Float32).cpu().data<float>().ToArray();
                else if (wantsSequenceScore && output.Scores is { } scores)
                    tokenLogProbs = ChosenTokenLogProbs(scores, output.Sequences);
            }
        }

        int width = sequences.Length / rows.Count;
        var results = new RowResult[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            var row = new ReadOnlySpan<long>(sequences, r * width, width);
            int end = GeneratedLength(row);
            long[] tokens = row[..end].ToArray();
            float score = beamScores?[r] ?? (tokenLogProbs is null ? float.NaN : MeanLogProb(tokenLogProbs, rows.Count, r, end - 1));
            results[r] = new RowResult(true, Inputs.Decode(tokens).Trim(), float.NaN, score, tokens);
        }

        return results;
    }

    /// <summary>Length of the row up to and including the first end-of-sequence token after the start token.</summary>
    private int GeneratedLength(ReadOnlySpan<long> row)
    {
        for (int i = 1; i < row.Length; i++)
        {
            if (endOfSequence.Contains(row[i]))
                return i + 1;
        }

        return row.Length;
    }

    /// <summary>log softmax of each step's processed scores at the chosen token: <c>[steps · rows]</c>, step-major.</summary>
    private static float[] ChosenTokenLogProbs(Tensor scores, Tensor sequences)
    {
        long steps = scores.shape[0];
        if (sequences.shape[1] != steps + 1)
            throw new InvalidOperationException($"Generation returned {steps} score steps for sequences of length {sequences.shape[1]}.");
        using var scope = NewDisposeScope();
        var chosen = sequences.narrow(1, 1, steps).t().unsqueeze(2).to(scores.device);
        var logProbs = nn.functional.log_softmax(scores.to(ScalarType.Float32), -1).gather(2, chosen).squeeze(2);
        return logProbs.cpu().data<float>().ToArray();
    }

    private static float MeanLogProb(float[] stepMajor, int rows, int row, int generatedCount)
    {
        double sum = 0;
        for (int step = 0; step < generatedCount; step++)
            sum += stepMajor[step * rows + row];
        return generatedCount == 0 ? float.NaN : (float)(sum / generatedCount);
    }

    private protected override void DisposeModel() => model.Dispose();
}
