using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Modeling.Layers;
using Microsoft.ML.Blip2.Modeling.QFormer;
using Microsoft.ML.Blip2.Modeling.Vision;
using static TorchSharp.torch;

namespace Blip2.Trainers.Objectives;

/// <summary>
/// The components of a <see cref="Blip2ForImageTextRetrieval"/> the stage-1 losses need, found by their checkpoint names
/// (the module tree is the state-dict tree).
/// </summary>
internal sealed class RetrievalModelParts
{
    public RetrievalModelParts(Blip2ForImageTextRetrieval model)
    {
        Vision = Child<Blip2VisionModel>(model, "vision_model");
        TextEmbeddings = Child<QFormerTextEmbeddings>(model, "embeddings");
        QFormer = Child<Blip2QFormerModel>(model, "qformer");
        VisionProjection = Child<Linear>(model, "vision_projection");
        TextProjection = Child<Linear>(model, "text_projection");
        ItmHead = Child<Linear>(model, "itm_head");
        QueryTokens = Parameter(model, "query_tokens");
        WordEmbeddings = Parameter(model, "embeddings.word_embeddings.weight");
    }

    public Blip2VisionModel Vision { get; }

    public QFormerTextEmbeddings TextEmbeddings { get; }

    public Blip2QFormerModel QFormer { get; }

    public Linear VisionProjection { get; }

    public Linear TextProjection { get; }

    public Linear ItmHead { get; }

    public Parameter QueryTokens { get; }

    /// <summary>The Q-Former word embeddings <c>[V, H]</c>, also the decoder of the ITG head (tied as in LAVIS).</summary>
    public Parameter WordEmbeddings { get; }

    private static Parameter Parameter(nn.Module model, string name) =>
        model.named_parameters().FirstOrDefault(p => p.name == name).parameter
        ?? throw new InvalidOperationException($"{model.GetType().Name} has no parameter '{name}'.");

    private static T Child<T>(nn.Module model, string name) where T : nn.Module =>
        model.named_children().FirstOrDefault(c => c.name == name).module as T
        ?? throw new InvalidOperationException($"{model.GetType().Name} has no {typeof(T).Name} child named '{name}'.");
}
