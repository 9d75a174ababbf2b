namespace Blip2.Trainers.Metrics;

/// <summary>What one forward/backward pass measured.</summary>
/// <param name="Loss">The batch loss (mean over its targets), before any accumulation scaling.</param>
/// <param name="Targets">Items the loss averages over (answer tokens; examples for retrieval).</param>
/// <param name="Correct">Correct predictions (argmax next tokens; ITM decisions for retrieval).</param>
/// <param name="Predictions">Predictions counted for <paramref name="Correct"/>.</param>
/// <param name="Examples">Examples in the batch.</param>
/// <param name="Components">Named loss parts (<c>itc</c>, <c>itm</c>, <c>itg</c> for retrieval), empty otherwise.</param>
public sealed record BatchStatistics(double Loss, long Targets, long Correct, long Predictions, long Examples, IReadOnlyDictionary<string, double> Components)
{
    /// <summary>Correct / predictions (token accuracy for captioning and VQA; for retrieval ITM accuracy, else ITG token accuracy, else ITC top-1).</summary>
    public double Accuracy => Predictions == 0 ? double.NaN : (double)Correct / Predictions;
}
