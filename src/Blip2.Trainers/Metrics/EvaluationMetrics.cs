namespace Blip2.Trainers.Metrics;

/// <summary>Metrics over a whole evaluation set.</summary>
/// <param name="Loss">Target-weighted mean loss (for language modelling: mean cross-entropy over all answer tokens).</param>
/// <param name="Accuracy">Correct / predictions (teacher-forced token accuracy; for retrieval ITM accuracy, else ITG token accuracy, else ITC top-1).</param>
/// <param name="Targets">Targets the loss is averaged over.</param>
/// <param name="Examples">Examples evaluated.</param>
public sealed record EvaluationMetrics(double Loss, double Accuracy, long Targets, long Examples)
{
    /// <summary>Target-weighted means of the named parts of the loss (retrieval: <c>itc</c>, <c>itm</c>, <c>itg</c>); empty when the loss has no parts.</summary>
    public IReadOnlyDictionary<string, double> LossComponents { get; init; } = new Dictionary<string, double>();

    /// <summary>Combines batch statistics, weighting each batch loss by its target count.</summary>
    public static EvaluationMetrics Aggregate(IReadOnlyCollection<BatchStatistics> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        long targets = batches.Sum(b => b.Targets);
        long predictions = batches.Sum(b => b.Predictions);
        double loss = targets == 0 ? double.NaN : batches.Sum(b => b.Loss * b.Targets) / targets;
        double accuracy = predictions == 0 ? double.NaN : (double)batches.Sum(b => b.Correct) / predictions;
        var components = batches.SelectMany(b => b.Components.Keys).Distinct().ToDictionary(
            name => name,
            name => targets == 0 ? double.NaN : batches.Sum(b => b.Components.GetValueOrDefault(name) * b.Targets) / targets);
        return new EvaluationMetrics(loss, accuracy, targets, batches.Sum(b => b.Examples)) { LossComponents = components };
    }
}
