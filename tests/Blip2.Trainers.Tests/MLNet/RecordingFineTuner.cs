using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Modeling.Layers;
using Microsoft.ML.Blip2.Transforms.Training;
using static TorchSharp.torch;

namespace Blip2.Trainers.Tests.MLNet;

/// <summary>
/// A fine-tuner that records what <c>Fit</c> hands it and "trains" by setting one bias (<see cref="ChangedParameter"/>
/// of the model kind) to a known value, so tests can see that the fitted transformer uses the changed model.
/// </summary>
internal sealed class RecordingFineTuner(float bias) : IBlip2FineTuner
{
    public const string GenerationParameter = "language_projection.bias", RetrievalParameter = "itm_head.bias";

    public List<(long[] Shape, float Min, float Max, long[] PromptIds, long[] TargetIds)> Examples { get; } = [];

    /// <summary>The context of the latest call.</summary>
    public Blip2FineTuningContext? Context { get; private set; }

    public void FineTune(Blip2ForConditionalGeneration model, IReadOnlyList<Blip2FineTuningExample> examples, Blip2FineTuningContext context)
    {
        Context = context;
        Record(model, GenerationParameter, examples);
    }

    public void FineTune(Blip2ForImageTextRetrieval model, IReadOnlyList<Blip2FineTuningExample> examples, Blip2FineTuningContext context)
    {
        Context = context;
        Record(model, RetrievalParameter, examples);
    }

    /// <summary>The values of parameter <paramref name="name"/> of <paramref name="model"/>.</summary>
    public static float[] Values(Blip2Module model, string name) =>
        model.named_parameters().Single(p => p.name == name).parameter.detach().data<float>().ToArray();

    private void Record(Blip2Module model, string parameter, IReadOnlyList<Blip2FineTuningExample> examples)
    {
        foreach (var e in examples)
            Examples.Add((e.PixelValues.shape, e.PixelValues.min().item<float>(), e.PixelValues.max().item<float>(), [.. e.PromptIds], [.. e.TargetIds]));
        using (no_grad())
            model.named_parameters().Single(p => p.name == parameter).parameter.fill_(bias);
    }
}
