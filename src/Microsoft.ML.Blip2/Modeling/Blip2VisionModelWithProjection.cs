using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using Microsoft.ML.Blip2.Modeling.Loading;
using Microsoft.ML.Blip2.Modeling.Outputs;
using Microsoft.ML.Blip2.Modeling.QFormer;
using Microsoft.ML.Blip2.Modeling.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling;

/// <summary>The image tower of a retrieval checkpoint: queries over the image, projected and L2-normalised.</summary>
public sealed class Blip2VisionModelWithProjection : Blip2Module
{
#pragma warning disable IDE1006
    private readonly Blip2VisionModel vision_model;
    private Parameter query_tokens;
    private readonly Blip2QFormerModel qformer;
    private readonly Linear vision_projection;
#pragma warning restore IDE1006

    /// <summary>Creates a model with uninitialised placeholder weights.</summary>
    public Blip2VisionModelWithProjection(Blip2Config config, ModuleOptions? options = null) : base(nameof(Blip2VisionModelWithProjection))
    {
        options ??= ModuleOptions.Default;
        var q = config.QFormerConfig;
        vision_model = new Blip2VisionModel(config.VisionConfig, options);
        query_tokens = options.NewParameter(1, config.NumQueryTokens, q.HiddenSize);
        qformer = new Blip2QFormerModel(q, options);
        vision_projection = new Linear(q.HiddenSize, config.ImageTextHiddenSize, true, options);
        RegisterComponents();
    }

    /// <summary>Loads the image tower from a retrieval checkpoint (its text embeddings and heads are left unused).</summary>
    public static Blip2VisionModelWithProjection FromPretrained(string directory, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var config = Blip2Config.FromDirectory(directory);
        var plan = new LoadPlan([], ["embeddings.", "text_projection.", "itm_head."], []);
        return PretrainedLoader.Load(directory, new ModuleOptions(device, dtype), o => new Blip2VisionModelWithProjection(config, o), plan);
    }

    /// <summary>Embeds <c>[B, 3, H, W]</c> images as <c>[B, Q, D]</c> normalised query embeddings.</summary>
    public VisionModelWithProjectionOutput Forward(Tensor pixelValues)
    {
        using var mode = InferenceMode.Enter(this);
        using var scope = NewDisposeScope();
        var (vision, queries) = ImageQuerying.Run(vision_model, query_tokens, qformer, pixelValues, false);
        var embeds = nn.functional.normalize(vision_projection.Forward(queries.LastHiddenState), dim: -1);
        var output = new VisionModelWithProjectionOutput(embeds, vision.LastHiddenState);
        output.MoveToOuterScope();
        return output;
    }
}
