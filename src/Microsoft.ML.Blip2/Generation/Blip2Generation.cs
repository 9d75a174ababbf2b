using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Modeling.Language;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Generation;

/// <summary>
/// Text generation for <see cref="Blip2ForConditionalGeneration"/> with Hugging Face 4.45's semantics: the projected
/// queries (+ prompt) are the language model's input embeddings; decoder-only results are <c>[bos] + generated</c>
/// (the prompt is not echoed), encoder–decoder results start with <c>decoder_start_token_id</c>.
/// </summary>
public static class Blip2Generation
{
    /// <summary>Generates token ids for a batch of images and optional prompts.</summary>
    /// <param name="model">The model.</param>
    /// <param name="pixelValues"><c>[B, 3, H, W]</c> normalised pixels.</param>
    /// <param name="inputIds">Prompt ids <c>[B, T]</c>; <c>[[bos]] · B</c> when null.</param>
    /// <param name="attentionMask">Prompt mask <c>[B, T]</c> (all ones when null); left or right padding.</param>
    /// <param name="options">Generation options; null = the model's defaults.</param>
    /// <param name="cancellationToken">Stops within one decoding step; the model stays usable.</param>
    public static GenerationOutput Generate(this Blip2ForConditionalGeneration model, Tensor pixelValues, Tensor? inputIds = null,
        Tensor? attentionMask = null, GenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        GenerateCore(model, pixelValues, inputIds, attentionMask, options, cancellationToken, null);

    /// <summary>The defaults <see cref="Generate"/> uses: the language model's settings and the checkpoint's generation config.</summary>
    public static GenerationOptions DefaultGenerationOptions(this Blip2ForConditionalGeneration model) =>
        GenerationOptions.FromModelDefaults(model.Config.TextConfig, model.GenerationConfig);

    /// <summary>
    /// Yields each generated token id as soon as it is chosen (greedy or sampling, one image). The end-of-sequence token,
    /// when reached, is the last item. Decoder-only models do not yield the leading BOS that <see cref="Generate"/> returns.
    /// </summary>
    public static async IAsyncEnumerable<long> GenerateStreaming(this Blip2ForConditionalGeneration model, Tensor pixelValues,
        Tensor? inputIds = null, Tensor? attentionMask = null, GenerationOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (pixelValues.shape[0] != 1)
            throw new ArgumentException($"Streaming generates for one image at a time; got a batch of {pixelValues.shape[0]}.", nameof(pixelValues));
        if (options is { NumBeams: > 1 })
            throw new ArgumentException("Streaming needs greedy search or sampling (NumBeams = 1): beam search only knows its result at the end.", nameof(options));
        if (options is { NumReturnSequences: > 1 })
            throw new ArgumentException("Streaming returns one sequence (NumReturnSequences = 1).", nameof(options));
        // A one-token buffer: the decoder never runs more than a step ahead of the reader.
        var channel = Channel.CreateBounded<long>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        // Stops the decoder when the caller cancels or simply stops enumerating.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var worker = Task.Run(() =>
        {
            try
            {
                using var output = GenerateCore(model, pixelValues, inputIds, attentionMask, options, stop.Token,
                    tokens => channel.Writer.WriteAsync(tokens.item<long>(), stop.Token).AsTask().GetAwaiter().GetResult());
                channel.Writer.TryComplete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (long token in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return token;
        }
        finally
        {
            // Wait for the decoder to stop, surfacing its exception unless we stopped it ourselves.
            await stop.CancelAsync().ConfigureAwait(false);
            try { await worker.ConfigureAwait(false); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        }
    }

    private static GenerationOutput GenerateCore(Blip2ForConditionalGeneration model, Tensor pixelValues, Tensor? inputIds,
        Tensor? attentionMask, GenerationOptions? options, CancellationToken cancellationToken, Action<Tensor>? onTokens)
    {
        var resolved = (options ?? new GenerationOptions()).WithDefaultsFrom(model.DefaultGenerationOptions());
        resolved.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long batch = pixelValues.shape[0];
        var (_, _, projected) = model.EncodeImage(pixelValues);
        long queryCount = projected.shape[1];
        var device = projected.device;
        long bos = resolved.BosTokenId ?? throw new InvalidOperationException("No bos_token_id: set GenerationOptions.BosTokenId or text_config.bos_token_id.");
        var ids = inputIds ?? full([batch, 1], bos, ScalarType.Int64, device);
        if (ids.shape[0] != batch)
            throw new ArgumentException($"input_ids has {ids.shape[0]} rows but pixel_values has {batch} images.", nameof(inputIds));
        var (embeds, mask) = model.MergeImageAndText(projected, ids, attentionMask, alwaysConcatenate: false);
        bool legacy = model.Config.ImageTokenIndex is null;
        GenerationOutput output;
        switch (model.LanguageModel)
        {
            case CausalLanguageModel causal:
            {
                long inputsLength = embeds.shape[1];
                long maxLength = resolved.MaxNewTokens is int maxNew
                    ? maxNew
                    : (resolved.MaxLength ?? 20) + (legacy ? queryCount - 1 : 0) - inputsLength;
                int minLength = resolved.MinNewTokens is int minNew
                    ? minNew
                    : (int)Math.Max((resolved.MinLength ?? 0) + (legacy ? queryCount : 0) - inputsLength, 0);
                using var session = new CausalDecoderSession(causal, embeds, mask, resolved.UseCache);
                var plan = new DecodingPlan(empty([batch, 0], ScalarType.Int64, device), maxLength, minLength);
                using var generated = DecodingLoop.Run(session, plan, resolved, cancellationToken, onTokens);
                var bosColumn = full([generated.Sequences.shape[0], 1], bos, ScalarType.Int64, device);
                output = new GenerationOutput(cat([bosColumn, generated.Sequences], 1), generated.Scores?.alias(), generated.SequencesScores?.alias());
                break;
            }
            case Seq2SeqLanguageModel seq2seq:
            {
                long maxLength = resolved.MaxNewTokens is int maxNew ? maxNew + 1 : resolved.MaxLength ?? 20;
                int minLength = resolved.MinNewTokens is int minNew ? minNew + 1 : resolved.MinLength ?? 0;
                using var session = new Seq2SeqDecoderSession(seq2seq, embeds, mask, resolved.UseCache);
                var start = full([batch, 1], seq2seq.DecoderStartTokenId, ScalarType.Int64, device);
                var generated = DecodingLoop.Run(session, new DecodingPlan(start, maxLength, minLength), resolved, cancellationToken, onTokens);
                output = generated;
                break;
            }
            default:
                throw new NotSupportedException($"Generation is not implemented for {model.LanguageModel.GetType().Name}.");
        }
        output.DetachFromScopes(); // the caller owns the result
        return output;
    }
}
