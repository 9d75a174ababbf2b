using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using Microsoft.ML.Blip2.Modeling.Loading;
using Microsoft.ML.Blip2.Modeling.Outputs;
using Microsoft.ML.Blip2.Modeling.QFormer;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling;

/// <summary>The text tower of a retrieval checkpoint: Q-Former over text only, projected and L2-normalised.</summary>
public sealed class Blip2TextModelWithProjection : Blip2Module
{
#pragma warning disable IDE1006
    private Parameter query_tokens;
    private readonly QFormerTextEmbeddings embeddings;
    private readonly Blip2QFormerModel qformer;
    private readonly Linear text_projection;
#pragma warning restore IDE1006

    /// <summary>Creates a model with uninitialised placeholder weights.</summary>
    public Blip2TextModelWithProjection(Blip2Config config, ModuleOptions? options = null) : base(nameof(Blip2TextModelWithProjection))
    {
        options ??= ModuleOptions.Default;
        var q = config.QFormerConfig;
        query_tokens = options.NewParameter(1, config.NumQueryTokens, q.HiddenSize);
        embeddings = new QFormerTextEmbeddings(q, options);
        qformer = new Blip2QFormerModel(q, options);
        text_projection = new Linear(q.HiddenSize, config.ImageTextHiddenSize, true, options);
        RegisterComponents();
    }

    /// <summary>Loads the text tower from a retrieval checkpoint (its vision and ITM weights are left unused).</summary>
    public static Blip2TextModelWithProjection FromPretrained(string directory, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var config = Blip2Config.FromDirectory(directory);
        var plan = new LoadPlan([], ["vision_model.", "vision_projection.", "itm_head."], []);
        return PretrainedLoader.Load(directory, new ModuleOptions(device, dtype), o => new Blip2TextModelWithProjection(config, o), plan);
    }

    /// <summary>Embeds <c>[B, T]</c> text; <see cref="TextModelWithProjectionOutput.TextEmbeds"/>[:, 0] is the ITC embedding.</summary>
    public TextModelWithProjectionOutput Forward(Tensor inputIds, Tensor? attentionMask = null)
    {
        using var mode = InferenceMode.Enter(this);
        using var scope = NewDisposeScope();
        var text = qformer.Forward(embeddings.Forward(inputIds), 0, attentionMask);
        var embeds = nn.functional.normalize(text_projection.Forward(text.LastHiddenState), dim: -1);
        var output = new TextModelWithProjectionOutput(embeds, text.LastHiddenState);
        output.MoveToOuterScope();
        return output;
    }
}
