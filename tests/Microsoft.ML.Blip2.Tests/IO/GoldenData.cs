namespace Microsoft.ML.Blip2.Tests.IO;

/// <summary>Locates the reference files written by Hugging Face transformers (see the golden README).</summary>
internal static class GoldenData
{
    public static string Root => Environment.GetEnvironmentVariable("BLIP2_GOLDEN_DIR") ?? "/work/shared/golden";

    /// <summary>Path inside the golden folder; the test is inconclusive when the golden data is not installed.</summary>
    public static string PathOf(params string[] parts)
    {
        string path = Path.Combine([Root, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            Assert.Inconclusive($"Golden data not found at {path} (set BLIP2_GOLDEN_DIR).");
        }

        return path;
    }
}
