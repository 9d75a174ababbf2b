using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Modeling.Initialization;

namespace Blip2.Trainers.Tests;

/// <summary>Tiny BLIP-2 configurations and randomly initialised models for fast training tests.</summary>
public static class TinyBlip2
{
    /// <summary>OPT special ids of the tiny vocabulary.</summary>
    public const long Pad = 1, Bos = 2, Eos = 3;

    /// <summary>Images are <c>ImageSize × ImageSize</c>.</summary>
    public const int ImageSize = 32;

    /// <summary>A 2-layer ViT (32×32 images, patch 4), 2-layer Q-Former with 8 queries, 2-layer OPT over a 16-token vocabulary; width 32.</summary>
    public static Blip2Config OptConfig(int queryTokens = 8) => Blip2Config.FromVisionQFormerTextConfigs(
        Vision(), QFormer(useTextInput: false),
        new OptConfig
        {
            VocabSize = 16,
            HiddenSize = 32,
            FfnDim = 64,
            NumHiddenLayers = 2,
            NumAttentionHeads = 4,
            MaxPositionEmbeddings = 64,
            // With OPT's 0.02 the tied embeddings are so small that the frozen random LM's logits are nearly uniform
            // whatever its input; 0.2 makes it a language model a prefix can steer, as a pretrained one is.
            InitStd = 0.2,
            BosTokenId = (int)Bos,
            EosTokenIds = [(int)Eos],
            PadTokenId = (int)Pad,
        },
        numQueryTokens: queryTokens);

    /// <summary>
    /// The tiny vision and Q-Former (with text input, vocabulary 16) and 16-wide ITC projections, for retrieval; weights
    /// drawn with <c>initializer_range</c> 0.3.
    /// </summary>
    // With BLIP-2's 0.02 the random width-32 Q-Former mixes text into the query outputs so weakly that the ITM head sits at
    // its constant optimum (p(match) = 1/3, the share of positive pairs) for hundreds of steps; 0.3 gives the text–query
    // interactions a pretrained (BERT-initialised) Q-Former has, and ITM learns within a test's budget.
    public static Blip2Config RetrievalConfig() => Blip2Config.FromVisionQFormerTextConfigs(
        Vision(), QFormer(useTextInput: true), null, numQueryTokens: 8, imageTextHiddenSize: 16) with { InitializerRange = 0.3 };

    /// <summary>A random captioning model.</summary>
    public static Blip2ForConditionalGeneration CreateOpt(long seed = 7) => ModelInitializer.CreateConditionalGeneration(OptConfig(), seed);

    /// <summary>A random retrieval model.</summary>
    public static Blip2ForImageTextRetrieval CreateRetrieval(long seed = 7) => ModelInitializer.CreateImageTextRetrieval(RetrievalConfig(), seed);

    private static Blip2VisionConfig Vision() => new()
    {
        HiddenSize = 32,
        IntermediateSize = 64,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        ImageSize = ImageSize,
        PatchSize = 4,
        // HF's default 1e-10 (meant for loading checkpoints) would make the position embeddings zero.
        InitializerRange = 0.02,
    };

    private static Blip2QFormerConfig QFormer(bool useTextInput) => new()
    {
        VocabSize = 16,
        HiddenSize = 32,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        IntermediateSize = 64,
        MaxPositionEmbeddings = 32,
        CrossAttentionFrequency = 1,
        UseQformerTextInput = useTextInput,
    };
}
