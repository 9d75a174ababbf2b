namespace Microsoft.ML.Blip2.Tests.Processing.Images;

/// <summary>Where the golden data and the committed Pillow fixtures are.</summary>
internal static class ImageTestData
{
    /// <summary>The folder holding Blip2MLNet.sln, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary><c>BLIP2_GOLDEN_DIR</c>, else <c>../shared/golden</c> next to the repository root.</summary>
    public static string GoldenDirectory { get; } =
        Environment.GetEnvironmentVariable("BLIP2_GOLDEN_DIR") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "golden"));

    /// <summary>The golden <c>processor</c> case (three images, expected.safetensors, preprocessor config).</summary>
    public static string ProcessorCase => RequireDirectory(Path.Combine(GoldenDirectory, "processor"));

    /// <summary>The Pillow fixtures made by Fixtures/make_fixtures.py.</summary>
    public static string Fixtures => RequireDirectory(
        Path.Combine(RepositoryRoot, "tests", "Microsoft.ML.Blip2.Tests", "Processing", "Images", "Fixtures"));

    private static string RequireDirectory(string path) => Directory.Exists(path)
        ? path
        : throw new DirectoryNotFoundException($"Test data folder not found: {path} (set BLIP2_GOLDEN_DIR for golden data).");

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Blip2MLNet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Blip2MLNet.sln above {AppContext.BaseDirectory}.");
    }
}
