using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using Microsoft.ML.Blip2.Modeling.Loading;
using Microsoft.ML.Blip2.Modeling.Outputs;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Vision;

/// <summary>
/// The BLIP-2 vision transformer (EVA ViT-g in the released checkpoints): patch embeddings, pre-LN encoder and
/// <c>post_layernorm</c>. Module tree = Hugging Face <c>Blip2VisionModel</c>.
/// </summary>
public sealed class Blip2VisionModel : Blip2Module
{
#pragma warning disable IDE1006
    private readonly VisionEmbeddings embeddings;
    private readonly VisionEncoder encoder;
    private readonly LayerNorm post_layernorm;
#pragma warning restore IDE1006

    /// <summary>Creates a model with uninitialised placeholder weights (load them with <see cref="FromPretrained"/>).</summary>
    public Blip2VisionModel(Blip2VisionConfig config, ModuleOptions? options = null) : base(nameof(Blip2VisionModel))
    {
        options ??= ModuleOptions.Default;
        Config = config;
        embeddings = new VisionEmbeddings(config, options);
        encoder = new VisionEncoder(config, options);
        post_layernorm = new LayerNorm(config.HiddenSize, config.LayerNormEps, options);
        RegisterComponents();
    }

    /// <summary>The configuration the model was built from.</summary>
    public Blip2VisionConfig Config { get; }

    /// <summary>The embeddings module (position interpolation lives there).</summary>
    public VisionEmbeddings Embeddings => embeddings;

    /// <summary>
    /// Loads a checkpoint saved as <c>Blip2VisionModel</c> (keys without prefix) from a Hugging Face directory.
    /// </summary>
    /// <param name="directory">Folder with <c>config.json</c> and safetensors weights.</param>
    /// <param name="device">Device of the weights (CPU when null).</param>
    /// <param name="dtype">Dtype of the weights; float32 is the right choice on CPU.</param>
    public static Blip2VisionModel FromPretrained(string directory, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var config = Blip2VisionConfig.FromDirectory(directory);
        return PretrainedLoader.Load(directory, new ModuleOptions(device, dtype), o => new Blip2VisionModel(config, o), LoadPlan.Strict);
    }

    /// <summary>Encodes <c>[B, 3, H, W]</c> pixels.</summary>
    /// <param name="pixelValues">Normalised pixels.</param>
    /// <param name="interpolatePositionEncoding">Resize the position table for images of another size than the config's.</param>
    public VisionModelOutput Forward(Tensor pixelValues, bool interpolatePositionEncoding = false)
    {
        using var mode = InferenceMode.Enter(this);
        using var scope = NewDisposeScope();
        var h = encoder.Forward(embeddings.Forward(pixelValues, interpolatePositionEncoding));
        var last = post_layernorm.Forward(h);
        var pooled = post_layernorm.Forward(last.select(1, 0));
        var output = new VisionModelOutput(last, pooled);
        output.MoveToOuterScope();
        return output;
    }
}
