using Blip2.Trainers.Data;
using static TorchSharp.torch;

namespace Blip2.Trainers.Objectives;

/// <summary>A loss over a model and a batch, given the batch's image features.</summary>
internal abstract class TrainingObjective : IDisposable
{
    /// <summary>The model whose parameters are trained or frozen.</summary>
    public abstract nn.Module Model { get; }

    /// <summary>The frozen-or-not vision encoder of <see cref="Model"/>.</summary>
    public abstract Microsoft.ML.Blip2.Modeling.Vision.Blip2VisionModel VisionModel { get; }

    /// <summary>Trainable parameters the objective owns itself (e.g. the contrastive temperature), by name.</summary>
    public virtual IReadOnlyList<(string Name, Parameter Value)> OwnParameters => [];

    /// <summary>The number of items the batch loss averages over, from the batch alone (no forward pass).</summary>
    public abstract long TargetCount(TrainingBatch batch);

    /// <summary>The loss on <paramref name="batch"/> with vision features <paramref name="imageEmbeds"/> <c>[B, S, D]</c>.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="imageEmbeds">The vision encoder's last hidden state for the batch's images.</param>
    /// <param name="random">Generator for random choices of the objective (hard negatives).</param>
    public abstract ObjectiveOutput Compute(TrainingBatch batch, Tensor imageEmbeds, Generator random);

    /// <inheritdoc />
    public virtual void Dispose()
    {
    }
}
