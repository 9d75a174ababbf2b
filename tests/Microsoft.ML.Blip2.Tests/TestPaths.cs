namespace Microsoft.ML.Blip2.Tests;

/// <summary>Locates the repository root and the golden fixtures.</summary>
public static class TestPaths
{
    private static readonly Lazy<string> s_repoRoot = new(FindRepoRoot);

    /// <summary>The folder holding Blip2MLNet.sln.</summary>
    public static string RepoRoot => s_repoRoot.Value;

    /// <summary><c>$BLIP2_GOLDEN_DIR</c>, else <c>../shared/golden</c> next to the repository root.</summary>
    public static string GoldenDirectory
    {
        get
        {
            string? fromEnv = Environment.GetEnvironmentVariable("BLIP2_GOLDEN_DIR");
            return Path.GetFullPath(!string.IsNullOrWhiteSpace(fromEnv)
                ? fromEnv
                : Path.Combine(RepoRoot, "..", "shared", "golden"));
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Blip2MLNet.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"Blip2MLNet.sln not found above {AppContext.BaseDirectory}.");
    }
}
