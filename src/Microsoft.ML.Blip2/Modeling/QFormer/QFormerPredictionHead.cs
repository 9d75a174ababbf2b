using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Initialization;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.QFormer;

/// <summary>
/// The Q-Former's language-modelling head of LAVIS (<c>Qformer.cls.predictions</c>: <c>transform</c>, <c>bias</c>),
/// used for image-grounded text generation (ITG) in stage-1 training. Its decoder is the transposed word-embedding
/// matrix (tied, as in LAVIS), passed to <see cref="Forward"/>. Hugging Face checkpoints do not contain this head
/// (<c>Blip2ForImageTextRetrieval</c> has none), so it is created with <see cref="CreateInitialized"/>.
/// </summary>
public sealed class QFormerPredictionHead : Blip2Module
{
#pragma warning disable IDE1006
    private readonly QFormerPredictionHeadTransform transform;
    private Parameter bias;
#pragma warning restore IDE1006

    /// <summary>Creates a placeholder head for a vocabulary of <c>vocab_size</c> tokens.</summary>
    public QFormerPredictionHead(Blip2QFormerConfig config, ModuleOptions? options = null) : base(nameof(QFormerPredictionHead))
    {
        options ??= ModuleOptions.Default;
        transform = new QFormerPredictionHeadTransform(config, options);
        bias = options.NewParameter(config.VocabSize);
        RegisterComponents();
    }

    /// <summary>
    /// A head with BERT's initial values (<see cref="ModelInitializer"/>: dense weight N(0, <c>initializer_range</c>²),
    /// biases 0, LayerNorm 1 / 0), drawn from <paramref name="seed"/>.
    /// </summary>
    /// <param name="config">The model configuration (its Q-Former sizes, and <c>initializer_range</c>).</param>
    /// <param name="seed">Seed of the random weights.</param>
    /// <param name="options">Device and dtype (CPU float32 when null).</param>
    public static QFormerPredictionHead CreateInitialized(Blip2Config config, long seed, ModuleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var head = new QFormerPredictionHead(config.QFormerConfig, options);
        try
        {
            ModelInitializer.Initialize(head, config, seed);
            return head;
        }
        catch
        {
            head.Dispose();
            throw;
        }
    }

    /// <summary>Vocabulary logits <c>[…, V]</c> of hidden states <c>[…, H]</c>, decoded with <paramref name="wordEmbeddings"/> <c>[V, H]</c>.</summary>
    /// <exception cref="ArgumentException">The embedding matrix does not have <c>vocab_size</c> rows.</exception>
    public Tensor Forward(Tensor hidden, Tensor wordEmbeddings)
    {
        if (wordEmbeddings.shape[0] != bias.shape[0])
            throw new ArgumentException($"The decoder has {wordEmbeddings.shape[0]} rows but the head's bias has {bias.shape[0]} (qformer vocab_size).", nameof(wordEmbeddings));
        using var scope = NewDisposeScope();
        return nn.functional.linear(transform.Forward(hidden), wordEmbeddings, bias).MoveToOuterDisposeScope();
    }
}
