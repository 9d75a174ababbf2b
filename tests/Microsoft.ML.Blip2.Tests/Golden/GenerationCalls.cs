namespace Microsoft.ML.Blip2.Tests.Golden;

/// <summary>Golden <c>generate</c> calls.</summary>
public static class GenerationCalls
{
    /// <summary>Runs one generate call.</summary>
    public static void Run(GoldenCall call, string architecture) =>
        GoldenRunner.NotBuilt(call.Case, call.Name, $"generation for {architecture} (issue 4)");
}
