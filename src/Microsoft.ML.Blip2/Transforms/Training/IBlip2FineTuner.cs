using Microsoft.ML.Blip2.Modeling;

namespace Microsoft.ML.Blip2.Transforms.Training;

/// <summary>
/// Trains a loaded BLIP-2 model in place on prepared examples. The estimators call it from <c>Fit</c> when their
/// options carry a fine-tuner (captioning and VQA: with a label column; image–text matching: on its (image, text)
/// pairs); <c>Blip2.Trainers</c> implements it (<c>QFormerFineTuner</c>), so this library never depends on the trainers.
/// </summary>
public interface IBlip2FineTuner
{
    /// <summary>Trains <paramref name="model"/> in place on <paramref name="examples"/>.</summary>
    /// <param name="model">The model loaded from the estimator's model directory.</param>
    /// <param name="examples">Preprocessed images with tokenized prompts and targets, in data view order.</param>
    /// <param name="context">The tokenizer, the ML.NET channel to log to, and the cancellation token.</param>
    void FineTune(Blip2ForConditionalGeneration model, IReadOnlyList<Blip2FineTuningExample> examples, Blip2FineTuningContext context);

    /// <summary>Trains an image–text retrieval model in place; every example is a matching pair (other rows serve as negatives).</summary>
    /// <param name="model">The model loaded from the estimator's model directory.</param>
    /// <param name="examples">Preprocessed images with their texts as the Q-Former tokenizer encodes them (with its special tokens) in <see cref="Blip2FineTuningExample.TargetIds"/>.</param>
    /// <param name="context">The Q-Former tokenizer, the ML.NET channel to log to, and the cancellation token.</param>
    void FineTune(Blip2ForImageTextRetrieval model, IReadOnlyList<Blip2FineTuningExample> examples, Blip2FineTuningContext context);
}
