using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using Microsoft.ML.Blip2.Modeling.Loading;
using Microsoft.ML.Blip2.Modeling.Outputs;
using Microsoft.ML.Blip2.Modeling.QFormer;
using Microsoft.ML.Blip2.Modeling.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling;

/// <summary>
/// BLIP-2 image–text retrieval (e.g. <c>Salesforce/blip2-itm-vit-g</c>): image–text matching with the ITM head, or
/// image–text contrastive similarity of projected, normalised embeddings.
/// </summary>
public sealed class Blip2ForImageTextRetrieval : Blip2Module
{
#pragma warning disable IDE1006
    private readonly Blip2VisionModel vision_model;
    private Parameter query_tokens;
    private readonly QFormerTextEmbeddings embeddings;
    private readonly Blip2QFormerModel qformer;
    private readonly Linear vision_projection;
    private readonly Linear text_projection;
    private readonly Linear itm_head;
#pragma warning restore IDE1006

    /// <summary>Creates a model with uninitialised placeholder weights.</summary>
    public Blip2ForImageTextRetrieval(Blip2Config config, ModuleOptions? options = null) : base(nameof(Blip2ForImageTextRetrieval))
    {
        options ??= ModuleOptions.Default;
        Config = config;
        var q = config.QFormerConfig;
        vision_model = new Blip2VisionModel(config.VisionConfig, options);
        query_tokens = options.NewParameter(1, config.NumQueryTokens, q.HiddenSize);
        embeddings = new QFormerTextEmbeddings(q, options);
        qformer = new Blip2QFormerModel(q, options);
        vision_projection = new Linear(q.HiddenSize, config.ImageTextHiddenSize, true, options);
        text_projection = new Linear(q.HiddenSize, config.ImageTextHiddenSize, true, options);
        itm_head = new Linear(q.HiddenSize, 2, true, options);
        RegisterComponents();
    }

    /// <summary>The configuration the model was built from.</summary>
    public Blip2Config Config { get; }

    /// <summary>Writes the model as a Hugging Face directory (<c>config.json</c> + safetensors).</summary>
    public void SavePretrained(string directory, long maxShardBytes = PretrainedSaver.DefaultMaxShardBytes) =>
        PretrainedSaver.Save(this, Config, directory, maxShardBytes);

    /// <summary>Loads a Hugging Face retrieval checkpoint.</summary>
    public static Blip2ForImageTextRetrieval FromPretrained(string directory, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var config = Blip2Config.FromDirectory(directory);
        return PretrainedLoader.Load(directory, new ModuleOptions(device, dtype), o => new Blip2ForImageTextRetrieval(config, o), LoadPlan.Strict);
    }

    /// <summary>
    /// ITM (<paramref name="useImageTextMatchingHead"/> true): image row i is matched with text row i; logits <c>[B, 2]</c>.
    /// ITC (false): every image against every text; cosine similarities <c>[B_img, B_txt]</c> (max over queries).
    /// </summary>
    public ImageTextMatchingOutput Forward(Tensor pixelValues, Tensor inputIds, Tensor? attentionMask = null, bool useImageTextMatchingHead = false)
    {
        using var mode = InferenceMode.Enter(this);
        using var scope = NewDisposeScope();
        var mask = attentionMask ?? ones_like(inputIds);
        ImageTextMatchingOutput output;
        if (useImageTextMatchingHead)
        {
            var vision = vision_model.Forward(pixelValues);
            var imageEmbeds = vision.LastHiddenState;
            long batch = imageEmbeds.shape[0];
            if (inputIds.shape[0] != batch)
                throw new ArgumentException($"ITM pairs image i with text i: got {batch} images and {inputIds.shape[0]} texts.", nameof(inputIds));
            var queries = query_tokens.expand(batch, -1, -1);
            long queryLength = queries.shape[1];
            var fullMask = cat([ones(batch, queryLength, dtype: mask.dtype, device: mask.device), mask], 1);
            var imageMask = ones(batch, imageEmbeds.shape[1], dtype: ScalarType.Int64, device: imageEmbeds.device);
            var text = qformer.Forward(embeddings.Forward(inputIds, queries), queryLength, fullMask, imageEmbeds, imageMask);
            var logits = itm_head.Forward(text.LastHiddenState.narrow(1, 0, queryLength)).mean([1L]);
            output = new ImageTextMatchingOutput(logits, logits.t(), text.LastHiddenState, imageEmbeds, text, vision);
        }
        else
        {
            var (vision, queries) = ImageQuerying.Run(vision_model, query_tokens, qformer, pixelValues, false);
            var text = qformer.Forward(embeddings.Forward(inputIds), 0, mask);
            var imageEmbeds = nn.functional.normalize(vision_projection.Forward(queries.LastHiddenState), dim: -1);
            var textEmbeds = nn.functional.normalize(text_projection.Forward(text.LastHiddenState.select(1, 0)), dim: -1);
            var similarity = imageEmbeds.matmul(textEmbeds.t()).max(1).values;
            output = new ImageTextMatchingOutput(similarity, similarity.t(), textEmbeds, imageEmbeds, text, vision);
        }
        output.MoveToOuterScope();
        return output;
    }
}
