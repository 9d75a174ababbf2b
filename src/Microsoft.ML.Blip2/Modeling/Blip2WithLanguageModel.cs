using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Language;
using Microsoft.ML.Blip2.Modeling.Layers;
using Microsoft.ML.Blip2.Modeling.Loading;
using Microsoft.ML.Blip2.Modeling.Outputs;
using Microsoft.ML.Blip2.Modeling.QFormer;
using Microsoft.ML.Blip2.Modeling.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling;

/// <summary>
/// What <see cref="Blip2Model"/> and <see cref="Blip2ForConditionalGeneration"/> share: the module tree
/// (<c>vision_model</c>, <c>query_tokens</c>, <c>qformer</c>, <c>language_projection</c>, <c>language_model</c>) and the
/// forward pass from pixels (+ prompt) to language-model logits.
/// </summary>
public abstract class Blip2WithLanguageModel : Blip2Module
{
#pragma warning disable IDE1006
    private readonly Blip2VisionModel vision_model;
    private Parameter query_tokens;
    private readonly Blip2QFormerModel qformer;
    private readonly Linear language_projection;
    private readonly LanguageModel language_model;
#pragma warning restore IDE1006

    /// <summary>Creates the tree with placeholder weights.</summary>
    protected Blip2WithLanguageModel(string name, Blip2Config config, ModuleOptions options) : base(name)
    {
        Config = config;
        vision_model = new Blip2VisionModel(config.VisionConfig, options);
        query_tokens = options.NewParameter(1, config.NumQueryTokens, config.QFormerConfig.HiddenSize);
        qformer = new Blip2QFormerModel(config.QFormerConfig, options);
        language_model = LanguageModel.Create(config.TextConfig, options);
        language_projection = new Linear(config.QFormerConfig.HiddenSize, language_model.InputEmbeddingSize, true, options);
        RegisterComponents();
    }

    /// <summary>The configuration the model was built from.</summary>
    public Blip2Config Config { get; }

    /// <summary>The vision encoder.</summary>
    public Blip2VisionModel VisionModel => vision_model;

    /// <summary>The learned query tokens <c>[1, Q, H]</c>.</summary>
    public Parameter QueryTokens => query_tokens;

    /// <summary>The Q-Former.</summary>
    public Blip2QFormerModel QFormer => qformer;

    /// <summary>The projection from Q-Former width to the language model's embedding width.</summary>
    public Linear LanguageProjection => language_projection;

    /// <summary>The language model.</summary>
    public LanguageModel LanguageModel => language_model;

    /// <summary>
    /// Writes the model as a Hugging Face directory (<c>config.json</c> + safetensors) that <c>FromPretrained</c> and
    /// transformers load; e.g. after fine-tuning the Q-Former.
    /// </summary>
    public void SavePretrained(string directory, long maxShardBytes = PretrainedSaver.DefaultMaxShardBytes) =>
        PretrainedSaver.Save(this, Config, directory, maxShardBytes);

    /// <summary>How checkpoints map onto this tree: the language model's tied and redundant keys under <c>language_model.</c>.</summary>
    internal LoadPlan LoadPlan => new(
        language_model.TiedWeights.Select(t => ("language_model." + t.Target, "language_model." + t.Source)).ToList(),
        [],
        language_model.RedundantKeys.Select(k => "language_model." + k).ToList());

    /// <summary>Vision → queries → projected queries <c>[B, Q, E]</c>.</summary>
    public (VisionModelOutput Vision, QFormerOutput Queries, Tensor Projected) EncodeImage(Tensor pixelValues, bool interpolatePositionEncoding = false)
    {
        using var mode = InferenceMode.Enter(this);
        using var scope = NewDisposeScope();
        var (vision, queries) = ImageQuerying.Run(vision_model, query_tokens, qformer, pixelValues, interpolatePositionEncoding);
        var projected = language_projection.Forward(queries.LastHiddenState);
        vision.MoveToOuterScope();
        queries.MoveToOuterScope();
        return (vision, queries, projected.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Builds the language model's input embeddings and mask: the projected queries either replace the
    /// <c>image_token_index</c> positions of <paramref name="inputIds"/> (new style) or are concatenated in front
    /// (legacy style, also when <paramref name="alwaysConcatenate"/>).
    /// </summary>
    internal (Tensor Embeds, Tensor Mask) MergeImageAndText(Tensor projected, Tensor inputIds, Tensor? attentionMask, bool alwaysConcatenate)
    {
        using var scope = NewDisposeScope();
        var embeds = language_model.EmbedTokens(inputIds);
        var mask = attentionMask ?? ones_like(inputIds);
        if (Config.ImageTokenIndex is int imageToken && !alwaysConcatenate)
        {
            var isImage = inputIds.eq(imageToken);
            long count = isImage.sum().item<long>();
            if (count != projected.shape[0] * projected.shape[1])
                throw new ArgumentException(
                    $"input_ids contain {count} image tokens (id {imageToken}) but {projected.shape[0]}×{projected.shape[1]} query embeddings must be placed; " +
                    "prepend num_query_tokens image tokens to every row (Blip2Processor does this).", nameof(inputIds));
            embeds = embeds.masked_scatter(isImage.unsqueeze(-1).expand_as(embeds), projected.to(embeds.dtype));
        }
        else
        {
            embeds = cat([projected.to(embeds.dtype), embeds], 1);
            var queryMask = ones(projected.shape[0], projected.shape[1], dtype: mask.dtype, device: mask.device);
            mask = cat([queryMask, mask], 1);
        }
        return (embeds.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }

    /// <summary>The shared forward: image → queries → language model (+ loss with labels).</summary>
    internal Blip2ForConditionalGenerationOutput ForwardCore(Tensor pixelValues, Tensor inputIds, Tensor? attentionMask,
        Tensor? decoderInputIds, Tensor? decoderAttentionMask, Tensor? labels, bool interpolatePositionEncoding, bool alwaysConcatenate)
    {
        using var mode = InferenceMode.Enter(this);
        using var scope = NewDisposeScope();
        var (vision, queries, projected) = EncodeImage(pixelValues, interpolatePositionEncoding);
        var (embeds, mask) = MergeImageAndText(projected, inputIds, attentionMask, alwaysConcatenate);
        Tensor logits;
        Tensor? loss = null, encoderHidden = null;
        switch (language_model)
        {
            case CausalLanguageModel causal:
                logits = causal.Forward(embeds, mask);
                if (labels is not null)
                {
                    long labelLength = labels.shape[1];
                    logits = logits.narrow(1, logits.shape[1] - labelLength, labelLength);
                    loss = ShiftedCrossEntropy(logits, labels);
                }
                break;
            case Seq2SeqLanguageModel seq2seq:
                (logits, loss, encoderHidden) = seq2seq.Forward(embeds, mask, decoderInputIds, decoderAttentionMask, labels);
                break;
            default:
                throw new NotSupportedException($"Unsupported language model {language_model.GetType().Name}.");
        }
        var output = new Blip2ForConditionalGenerationOutput(loss, logits, vision, queries, projected, encoderHidden);
        output.MoveToOuterScope();
        return output;
    }

    /// <summary>Mean cross-entropy of logits[:, :-1] against labels[:, 1:], ignoring −100 (Hugging Face's causal-LM loss).</summary>
    internal static Tensor ShiftedCrossEntropy(Tensor logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        long length = logits.shape[1];
        var shiftLogits = logits.narrow(1, 0, length - 1).reshape(-1, logits.shape[2]).to(ScalarType.Float32);
        var shiftLabels = labels.narrow(1, 1, length - 1).reshape(-1).to(ScalarType.Int64);
        return nn.functional.cross_entropy(shiftLogits, shiftLabels, ignore_index: -100).MoveToOuterDisposeScope();
    }
}
