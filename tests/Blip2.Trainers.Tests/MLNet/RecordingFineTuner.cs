using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Transforms.Training;
using static TorchSharp.torch;

namespace Blip2.Trainers.Tests.MLNet;

/// <summary>
/// A fine-tuner that records what <c>Fit</c> hands it and "trains" by setting the language projection's bias to a
/// known value, so tests can see that the fitted transformer uses the changed model.
/// </summary>
internal sealed class RecordingFineTuner(float projectionBias) : IBlip2FineTuner
{
    public List<(long[] Shape, float Min, float Max, long[] PromptIds, long[] TargetIds)> Examples { get; } = [];

    public void FineTune(Blip2ForConditionalGeneration model, IReadOnlyList<Blip2FineTuningExample> examples, CancellationToken cancellationToken)
    {
        foreach (var e in examples)
            Examples.Add((e.PixelValues.shape, e.PixelValues.min().item<float>(), e.PixelValues.max().item<float>(), [.. e.PromptIds], [.. e.TargetIds]));
        using (no_grad())
            model.LanguageProjection.Bias!.fill_(projectionBias);
    }
}
