using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.QFormer;

/// <summary>
/// Word + absolute position embeddings of the Q-Former's text input, with the query tokens placed in front
/// (<c>Blip2TextEmbeddings</c>; no LayerNorm here — the Q-Former's <c>layernorm</c> normalises the concatenation).
/// </summary>
public sealed class QFormerTextEmbeddings : Blip2Module
{
#pragma warning disable IDE1006
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
#pragma warning restore IDE1006

    /// <summary>Creates placeholder embeddings.</summary>
    public QFormerTextEmbeddings(Blip2QFormerConfig config, ModuleOptions options) : base(nameof(QFormerTextEmbeddings))
    {
        word_embeddings = new Embedding(config.VocabSize, config.HiddenSize, options);
        position_embeddings = new Embedding(config.MaxPositionEmbeddings, config.HiddenSize, options);
        RegisterComponents();
    }

    /// <summary>Embeds <c>[B, T]</c> ids at positions 0…T−1, preceded by <paramref name="queryEmbeds"/> when given.</summary>
    public Tensor Forward(Tensor inputIds, Tensor? queryEmbeds = null)
    {
        using var scope = NewDisposeScope();
        long length = inputIds.shape[1];
        if (length > position_embeddings.Count)
            throw new ArgumentException($"text of {length} tokens exceeds the Q-Former's max_position_embeddings {position_embeddings.Count}.", nameof(inputIds));
        var positions = arange(0, length, ScalarType.Int64, inputIds.device).unsqueeze(0);
        var embeddings = word_embeddings.Forward(inputIds) + position_embeddings.Forward(positions);
        if (queryEmbeds is not null)
            embeddings = cat([queryEmbeds.to(embeddings.dtype), embeddings], 1);
        return embeddings.MoveToOuterDisposeScope();
    }
}
