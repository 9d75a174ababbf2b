using Microsoft.ML.Blip2.Generation.Processors;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Tests.Generation;

[TestClass]
public sealed class LogitsProcessorTests
{
    private static float[] Row(Tensor t, int row = 0) => t[row].data<float>().ToArray();

    [TestMethod]
    public void RepetitionPenaltyDividesPositiveAndMultipliesNegativeScoresOfSeenTokens()
    {
        using var scores = tensor(new float[] { 2f, -2f, 1f, 4f }, [1, 4]);
        using var ids = tensor(new long[] { 0, 1, 0 }, [1, 3]);
        using var processed = new RepetitionPenaltyLogitsProcessor(2.0).Process(ids, scores);
        CollectionAssert.AreEqual(new[] { 1f, -4f, 1f, 4f }, Row(processed));
    }

    [TestMethod]
    public void NoRepeatNGramForbidsTheTokenThatWouldRepeatABigram()
    {
        // Row 0: "5 6 7 5" → the bigram (5, 6) exists, so after the final 5, token 6 is forbidden.
        using var ids = tensor(new long[] { 5, 6, 7, 5, 1, 2, 3, 4 }, [2, 4]);
        using var scores = zeros(2, 10);
        using var processed = new NoRepeatNGramLogitsProcessor(2).Process(ids, scores);
        var row0 = Row(processed, 0);
        Assert.IsTrue(float.IsNegativeInfinity(row0[6]));
        Assert.AreEqual(1, row0.Count(float.IsNegativeInfinity));
        Assert.AreEqual(0, Row(processed, 1).Count(float.IsNegativeInfinity), "row 1 repeats nothing");
    }

    [TestMethod]
    public void MinLengthAndMinNewTokensForbidEosUntilReached()
    {
        using var scores = zeros(1, 5);
        using var threeIds = zeros([1, 3], ScalarType.Int64);
        using var a = new MinLengthLogitsProcessor(4, [2, 4]).Process(threeIds, scores);
        CollectionAssert.AreEqual(new[] { 0f, 0f, float.NegativeInfinity, 0f, float.NegativeInfinity }, Row(a));
        using var b = new MinLengthLogitsProcessor(3, [2]).Process(threeIds, scores);
        CollectionAssert.AreEqual(new[] { 0f, 0f, 0f, 0f, 0f }, Row(b));
        using var c = new MinNewTokensLogitsProcessor(promptLengthToSkip: 1, minNewTokens: 3, [2]).Process(threeIds, scores);
        Assert.IsTrue(float.IsNegativeInfinity(Row(c)[2]), "only 2 new tokens after a 1-token prompt");
    }

    [TestMethod]
    public void TopKKeepsTiesWithTheKthScore()
    {
        using var scores = tensor(new float[] { 1f, 3f, 3f, 2f, 0f }, [1, 5]);
        using var processed = new TopKLogitsWarper(2).Process(empty(1, 0, dtype: ScalarType.Int64), scores);
        CollectionAssert.AreEqual(new[] { float.NegativeInfinity, 3f, 3f, float.NegativeInfinity, float.NegativeInfinity }, Row(processed));
    }
}
