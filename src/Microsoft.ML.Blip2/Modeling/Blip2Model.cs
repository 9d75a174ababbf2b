using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Language;
using Microsoft.ML.Blip2.Modeling.Layers;
using Microsoft.ML.Blip2.Modeling.Loading;
using Microsoft.ML.Blip2.Modeling.Outputs;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling;

/// <summary>
/// BLIP-2 for feature extraction (Hugging Face <c>Blip2Model</c>): image features, Q-Former features, text features and
/// the full forward. Same parameter names as <see cref="Blip2ForConditionalGeneration"/>; its forward always
/// concatenates the queries in front of the text (it ignores <c>image_token_index</c>).
/// </summary>
public sealed class Blip2Model : Blip2WithLanguageModel
{
    /// <summary>Creates a model with uninitialised placeholder weights.</summary>
    public Blip2Model(Blip2Config config, ModuleOptions? options = null)
        : base(nameof(Blip2Model), config, options ?? ModuleOptions.Default)
    {
    }

    /// <summary>Loads a Hugging Face BLIP-2 directory.</summary>
    public static Blip2Model FromPretrained(string directory, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var config = Blip2Config.FromDirectory(directory);
        return PretrainedLoader.Load(directory, new ModuleOptions(device, dtype), o => new Blip2Model(config, o), m => m.LoadPlan);
    }

    /// <summary>Vision encoder output for <c>[B, 3, H, W]</c> pixels.</summary>
    public VisionModelOutput GetImageFeatures(Tensor pixelValues, bool interpolatePositionEncoding = false) =>
        VisionModel.Forward(pixelValues, interpolatePositionEncoding);

    /// <summary>Q-Former output over the query tokens after cross-attending to the image.</summary>
    public QFormerOutput GetQFormerFeatures(Tensor pixelValues, bool interpolatePositionEncoding = false)
    {
        using var scope = NewDisposeScope();
        var (vision, queries) = ImageQuerying.Run(VisionModel, QueryTokens, QFormer, pixelValues, interpolatePositionEncoding);
        queries.MoveToOuterScope();
        return queries;
    }

    /// <summary>
    /// The language model on text alone: decoder-only → logits for <paramref name="inputIds"/>; encoder–decoder →
    /// needs <paramref name="decoderInputIds"/> (or <paramref name="labels"/>).
    /// </summary>
    public LanguageModelOutput GetTextFeatures(Tensor inputIds, Tensor? attentionMask = null, Tensor? decoderInputIds = null,
        Tensor? decoderAttentionMask = null, Tensor? labels = null)
    {
        using var mode = InferenceMode.Enter(this);
        using var scope = NewDisposeScope();
        var embeds = LanguageModel.EmbedTokens(inputIds);
        var mask = attentionMask ?? ones_like(inputIds);
        LanguageModelOutput output;
        switch (LanguageModel)
        {
            case CausalLanguageModel causal:
                output = new LanguageModelOutput(causal.Forward(embeds, mask), null, null);
                break;
            case Seq2SeqLanguageModel seq2seq:
                var (logits, loss, encoded) = seq2seq.Forward(embeds, mask, decoderInputIds, decoderAttentionMask, labels);
                output = new LanguageModelOutput(logits, loss, encoded);
                break;
            default:
                throw new NotSupportedException($"Unsupported language model {LanguageModel.GetType().Name}.");
        }
        output.MoveToOuterScope();
        return output;
    }

    /// <summary>Image + text → logits, always with the queries concatenated in front of the text.</summary>
    public Blip2ForConditionalGenerationOutput Forward(Tensor pixelValues, Tensor inputIds, Tensor? attentionMask = null,
        Tensor? decoderInputIds = null, Tensor? decoderAttentionMask = null, Tensor? labels = null, bool interpolatePositionEncoding = false) =>
        ForwardCore(pixelValues, inputIds, attentionMask, decoderInputIds, decoderAttentionMask, labels, interpolatePositionEncoding, alwaysConcatenate: true);
}
