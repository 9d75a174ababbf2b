namespace Microsoft.ML.Blip2.Tests.IO;

/// <summary>Locates the reference files written by Hugging Face transformers (see the golden README).</summary>
internal static class GoldenData
{
    public static string Root => TestPaths.GoldenDirectory;

    /// <summary>Path inside the golden folder; a missing file fails the test (the golden data is part of the spec).</summary>
    public static string PathOf(params string[] parts)
    {
        string path = Path.Combine([Root, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
            Assert.Fail($"Golden data not found at {path} (set BLIP2_GOLDEN_DIR).");
        return path;
    }
}
