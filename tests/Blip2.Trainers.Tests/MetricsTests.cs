using Blip2.Trainers.Metrics;

namespace Blip2.Trainers.Tests;

[TestClass]
public sealed class MetricsTests
{
    [TestMethod]
    public void ExactMatchIgnoresSpecialTokens()
    {
        IReadOnlyList<IReadOnlyList<long>> generated = [[2, 4, 7, 3], [2, 4, 8, 3, 1], [2, 5, 3, 1, 1]];
        IReadOnlyList<IReadOnlyList<long>> targets = [[4, 7], [4, 7], [5]];
        Assert.AreEqual(2.0 / 3, AnswerAccuracy.ExactMatch(generated, targets, [1, 2, 3]), 1e-12);
    }

    [TestMethod]
    public void ExactMatchRejectsMismatchedCounts() =>
        Assert.ThrowsExactly<ArgumentException>(() => AnswerAccuracy.ExactMatch([[1]], [[1], [2]], []));

    [TestMethod]
    public void AggregateWeightsLossesByTargets()
    {
        var metrics = EvaluationMetrics.Aggregate(
        [
            new BatchStatistics(1.0, 1, 1, 1, 2, new Dictionary<string, double>()),
            new BatchStatistics(4.0, 3, 0, 3, 2, new Dictionary<string, double>()),
        ]);
        Assert.AreEqual((1.0 + 12.0) / 4, metrics.Loss, 1e-12);
        Assert.AreEqual(0.25, metrics.Accuracy, 1e-12);
        Assert.AreEqual(4, metrics.Targets);
        Assert.AreEqual(4, metrics.Examples);
    }
}
