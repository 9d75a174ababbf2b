using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using Microsoft.ML.Blip2.Modeling.Loading;
using Microsoft.ML.Blip2.Modeling.Outputs;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling;

/// <summary>
/// BLIP-2 for captioning and visual question answering: vision encoder → Q-Former → projection → OPT or Flan-T5.
/// Loads Hugging Face <c>Blip2ForConditionalGeneration</c> checkpoints (e.g. <c>Salesforce/blip2-opt-2.7b</c>,
/// <c>Salesforce/blip2-flan-t5-xl</c>) unchanged.
/// </summary>
public sealed class Blip2ForConditionalGeneration : Blip2WithLanguageModel
{
    /// <summary>Creates a model with uninitialised placeholder weights (use <see cref="FromPretrained"/> to load one).</summary>
    public Blip2ForConditionalGeneration(Blip2Config config, ModuleOptions? options = null)
        : base(nameof(Blip2ForConditionalGeneration), config, options ?? ModuleOptions.Default)
    {
    }

    /// <summary>Loads a Hugging Face BLIP-2 directory (config.json + safetensors, sharded or not).</summary>
    /// <param name="directory">The checkpoint folder.</param>
    /// <param name="device">Device of the weights (CPU when null).</param>
    /// <param name="dtype">Dtype of the weights (float16/bfloat16 checkpoints are converted; float32 on CPU).</param>
    public static Blip2ForConditionalGeneration FromPretrained(string directory, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var config = Blip2Config.FromDirectory(directory);
        var generationConfig = File.Exists(Path.Combine(directory, GenerationConfig.FileName)) ? GenerationConfig.FromDirectory(directory) : null;
        var model = PretrainedLoader.Load(directory, new ModuleOptions(device, dtype), o => new Blip2ForConditionalGeneration(config, o), m => m.LoadPlan);
        model.GenerationConfig = generationConfig;
        return model;
    }

    /// <summary>The checkpoint's <c>generation_config.json</c>, when it has one.</summary>
    public GenerationConfig? GenerationConfig { get; set; }

    /// <summary>
    /// Image + prompt → logits (and loss with <paramref name="labels"/>). With <c>image_token_index</c> set in the config,
    /// <paramref name="inputIds"/> must contain Q image tokens per row; otherwise the projected queries are prepended.
    /// </summary>
    /// <param name="pixelValues"><c>[B, 3, H, W]</c> normalised pixels.</param>
    /// <param name="inputIds"><c>[B, T]</c> prompt ids.</param>
    /// <param name="attentionMask"><c>[B, T]</c> 0/1 mask (all ones when null).</param>
    /// <param name="decoderInputIds">Decoder ids for encoder–decoder language models (derived from labels when null).</param>
    /// <param name="decoderAttentionMask">Decoder mask for encoder–decoder language models.</param>
    /// <param name="labels">Target ids (−100 = ignored) for the language-modelling loss.</param>
    /// <param name="interpolatePositionEncoding">Resize the vision position table for other image sizes.</param>
    public Blip2ForConditionalGenerationOutput Forward(Tensor pixelValues, Tensor inputIds, Tensor? attentionMask = null,
        Tensor? decoderInputIds = null, Tensor? decoderAttentionMask = null, Tensor? labels = null, bool interpolatePositionEncoding = false) =>
        ForwardCore(pixelValues, inputIds, attentionMask, decoderInputIds, decoderAttentionMask, labels, interpolatePositionEncoding, alwaysConcatenate: false);
}
