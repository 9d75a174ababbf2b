using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Language.Opt;
using Microsoft.ML.Blip2.Modeling.Language.T5;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Language;

/// <summary>The frozen language model BLIP-2 feeds the projected queries into.</summary>
public abstract class LanguageModel : Blip2Module
{
    /// <summary>Creates the base.</summary>
    protected LanguageModel(string name, TextConfig config) : base(name) => Config = config;

    /// <summary>The text configuration.</summary>
    public TextConfig Config { get; }

    /// <summary>Width of the input embeddings (what the language projection must produce).</summary>
    public abstract long InputEmbeddingSize { get; }

    /// <summary>Number of decoder layers (the size of a <see cref="LanguageModelCache"/>).</summary>
    public abstract int DecoderLayerCount { get; }

    /// <summary>Token embeddings of <c>[B, T]</c> ids.</summary>
    public abstract Tensor EmbedTokens(Tensor inputIds);

    /// <summary>
    /// Parameters that share storage: <c>(target, source)</c> state-dict names relative to this module. The checkpoint
    /// may omit the target (Hugging Face drops tied copies when saving).
    /// </summary>
    public abstract IReadOnlyList<(string Target, string Source)> TiedWeights { get; }

    /// <summary>Keys (relative to this module) that older checkpoints store as redundant copies; ignored when present.</summary>
    public virtual IReadOnlyList<string> RedundantKeys => [];

    /// <summary>Builds the language model named by <c>text_config.model_type</c>.</summary>
    public static LanguageModel Create(TextConfig config, ModuleOptions options) => config switch
    {
        OptConfig opt => new OptForCausalLM(opt, options),
        T5Config t5 => new T5ForConditionalGeneration(t5, options),
        _ => throw new NotSupportedException($"No language model implementation for text config type {config.GetType().Name} (model_type '{config.ModelType}'); supported: opt, t5."),
    };
}

/// <summary>A decoder-only language model (OPT).</summary>
public abstract class CausalLanguageModel : LanguageModel
{
    /// <summary>Creates the base.</summary>
    protected CausalLanguageModel(string name, TextConfig config) : base(name, config)
    {
    }

    /// <summary>
    /// Logits <c>[B, T, V]</c> for <paramref name="inputsEmbeds"/> <c>[B, T, E]</c>; <paramref name="attentionMask"/>
    /// <c>[B, past + T]</c> covers cached and new positions; the cache (if any) is extended by T positions.
    /// </summary>
    public abstract Tensor Forward(Tensor inputsEmbeds, Tensor attentionMask, LanguageModelCache? cache = null);

    /// <summary>A new empty cache for this model.</summary>
    public LanguageModelCache CreateCache() => new(DecoderLayerCount, withCrossAttention: false);
}

/// <summary>An encoder–decoder language model (T5 / Flan-T5).</summary>
public abstract class Seq2SeqLanguageModel : LanguageModel
{
    /// <summary>Creates the base.</summary>
    protected Seq2SeqLanguageModel(string name, TextConfig config) : base(name, config)
    {
    }

    /// <summary>Encoder output <c>[B, S, D]</c> for <c>[B, S, D]</c> input embeddings and a 0/1 mask <c>[B, S]</c>.</summary>
    public abstract Tensor Encode(Tensor inputsEmbeds, Tensor? attentionMask);

    /// <summary>
    /// Logits <c>[B, T, V]</c> for decoder ids <c>[B, T]</c> (T new positions after the cached ones). The decoder mask
    /// covers <c>past + T</c> positions (all ones when null).
    /// </summary>
    public abstract Tensor Decode(Tensor decoderInputIds, Tensor? decoderAttentionMask, Tensor encoderHiddenStates,
        Tensor? encoderAttentionMask, LanguageModelCache? cache = null);

    /// <summary>A new empty cache (self- and cross-attention) for this model.</summary>
    public LanguageModelCache CreateCache() => new(DecoderLayerCount, withCrossAttention: true);

    /// <summary>Decoder inputs for teacher forcing: <paramref name="labels"/> shifted right after the start token.</summary>
    public abstract Tensor ShiftRight(Tensor labels);

    /// <summary>
    /// Encoder + decoder with teacher forcing: decoder ids default to <see cref="ShiftRight"/> of the labels; with
    /// labels, the loss is the mean cross-entropy over labels ≠ −100.
    /// </summary>
    public (Tensor Logits, Tensor? Loss, Tensor EncoderHidden) Forward(Tensor inputsEmbeds, Tensor attentionMask,
        Tensor? decoderInputIds, Tensor? decoderAttentionMask, Tensor? labels)
    {
        using var scope = NewDisposeScope();
        var encoded = Encode(inputsEmbeds, attentionMask);
        var decoderIds = decoderInputIds
            ?? (labels is not null ? ShiftRight(labels)
                : throw new ArgumentException("An encoder–decoder language model needs decoder_input_ids or labels.", nameof(decoderInputIds)));
        var logits = Decode(decoderIds, decoderAttentionMask, encoded, attentionMask);
        Tensor? loss = labels is null ? null
            : TorchSharp.torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]).to(ScalarType.Float32),
                labels.reshape(-1).to(ScalarType.Int64), ignore_index: -100);
        loss?.MoveToOuterDisposeScope();
        return (logits.MoveToOuterDisposeScope(), loss, encoded.MoveToOuterDisposeScope());
    }

    /// <summary>The token the decoder starts from (<c>decoder_start_token_id</c>).</summary>
    public abstract long DecoderStartTokenId { get; }
}
