using Blip2.Trainers.Optimization;

namespace Blip2.Trainers.Tests;

/// <summary>Schedule values derived by hand from the documented formulas.</summary>
[TestClass]
public sealed class LearningRateScheduleTests
{
    [TestMethod]
    public void WarmupRisesLinearlyToTheBaseRate()
    {
        var s = new LearningRateSchedule(1.0, 0, LearningRateScheduleKind.Constant, 4, null);
        Assert.AreEqual(0.25, s.At(0), 1e-12);
        Assert.AreEqual(0.5, s.At(1), 1e-12);
        Assert.AreEqual(1.0, s.At(3), 1e-12);
        Assert.AreEqual(1.0, s.At(100), 1e-12);
    }

    [TestMethod]
    public void LinearDecayReachesTheMinimumAtTheEnd()
    {
        // W = 4, T = 12: eight decay steps; step 6 is a quarter of the way.
        var s = new LearningRateSchedule(1.0, 0.2, LearningRateScheduleKind.Linear, 4, 12);
        Assert.AreEqual(1.0, s.At(4), 1e-12);
        Assert.AreEqual(0.2 + 0.8 * 0.75, s.At(6), 1e-12);
        Assert.AreEqual(0.2 + 0.8 * (1.0 / 8), s.At(11), 1e-12);
        Assert.AreEqual(0.2, s.At(12), 1e-12);
    }

    [TestMethod]
    public void CosineDecayFollowsHalfACosine()
    {
        var s = new LearningRateSchedule(2.0, 0, LearningRateScheduleKind.Cosine, 4, 12);
        Assert.AreEqual(2.0, s.At(4), 1e-12);
        Assert.AreEqual(2.0 * 0.5 * (1 + Math.Sqrt(0.5)), s.At(6), 1e-12); // progress 1/4: cos(π/4) = √½
        Assert.AreEqual(1.0, s.At(8), 1e-12); // progress 1/2
        Assert.AreEqual(0.0, s.At(12), 1e-12);
    }

    [TestMethod]
    public void DecayingScheduleNeedsTheTotal()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new LearningRateSchedule(1, 0, LearningRateScheduleKind.Cosine, 0, null));
        Assert.AreEqual("totalSteps", e.ParamName);
    }
}
