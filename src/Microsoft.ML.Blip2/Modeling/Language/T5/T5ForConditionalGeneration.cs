using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Language.T5;

/// <summary>
/// T5 / Flan-T5 encoder–decoder with its head (<c>shared</c>, <c>encoder</c>, <c>decoder</c>, <c>lm_head</c>). With tied
/// embeddings the decoder output is scaled by <c>d_model^-0.5</c> before the head, as Hugging Face does.
/// </summary>
public sealed class T5ForConditionalGeneration : Seq2SeqLanguageModel
{
#pragma warning disable IDE1006
    private readonly Embedding shared;
    private readonly T5Stack encoder;
    private readonly T5Stack decoder;
    private readonly Linear lm_head;
#pragma warning restore IDE1006
    private readonly T5Config _config;

    /// <summary>Creates a placeholder model.</summary>
    public T5ForConditionalGeneration(T5Config config, ModuleOptions options) : base(nameof(T5ForConditionalGeneration), config)
    {
        _config = config;
        shared = new Embedding(config.VocabSize, config.DModel, options);
        encoder = new T5Stack(config, isDecoder: false, options);
        decoder = new T5Stack(config, isDecoder: true, options);
        lm_head = new Linear(config.DModel, config.VocabSize, false, options);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override long InputEmbeddingSize => _config.DModel;

    /// <inheritdoc />
    public override int DecoderLayerCount => decoder.LayerCount;

    /// <inheritdoc />
    public override long DecoderStartTokenId => _config.DecoderStartTokenId
        ?? throw new InvalidOperationException("text_config.decoder_start_token_id is not set; T5 needs it to start decoding.");

    /// <inheritdoc />
    public override IReadOnlyList<(string Target, string Source)> TiedWeights =>
        _config.TieWordEmbeddings ? [("lm_head.weight", "shared.weight")] : [];

    /// <summary>Older checkpoints also store the shared embedding under the stacks' names.</summary>
    public override IReadOnlyList<string> RedundantKeys { get; } = ["encoder.embed_tokens.weight", "decoder.embed_tokens.weight"];

    /// <inheritdoc />
    public override Tensor EmbedTokens(Tensor inputIds) => shared.Forward(inputIds);

    /// <inheritdoc />
    public override Tensor Encode(Tensor inputsEmbeds, Tensor? attentionMask) =>
        encoder.Forward(inputsEmbeds, attentionMask, null, null, null);

    /// <inheritdoc />
    public override Tensor Decode(Tensor decoderInputIds, Tensor? decoderAttentionMask, Tensor encoderHiddenStates,
        Tensor? encoderAttentionMask, LanguageModelCache? cache = null)
    {
        using var scope = NewDisposeScope();
        var hidden = decoder.Forward(shared.Forward(decoderInputIds), decoderAttentionMask, encoderHiddenStates, encoderAttentionMask, cache);
        if (_config.TieWordEmbeddings) hidden = hidden * Math.Pow(_config.DModel, -0.5);
        return lm_head.Forward(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>labels</c> shifted one position right with <c>decoder_start_token_id</c> in front and −100 replaced by
    /// <c>pad_token_id</c> (Hugging Face's <c>_shift_right</c>).
    /// </summary>
    public override Tensor ShiftRight(Tensor labels)
    {
        using var scope = NewDisposeScope();
        long pad = _config.PadTokenId ?? throw new InvalidOperationException("text_config.pad_token_id is not set; T5 needs it to shift labels.");
        var start = full([labels.shape[0], 1], DecoderStartTokenId, ScalarType.Int64, labels.device);
        var shifted = cat([start, labels.narrow(1, 0, labels.shape[1] - 1).to(ScalarType.Int64)], 1);
        return shifted.masked_fill(shifted.eq(-100), pad).MoveToOuterDisposeScope();
    }
}
