namespace Microsoft.ML.Blip2.Tests.Golden;

/// <summary>Golden training-step calls (<c>train_*</c> cases).</summary>
public static class TrainingCalls
{
    /// <summary>Runs one training call.</summary>
    public static void Run(GoldenCall call) =>
        GoldenRunner.NotBuilt(call.Case, call.Name, "Q-Former training (issue 7)");
}
