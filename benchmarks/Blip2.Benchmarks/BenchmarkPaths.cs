namespace Blip2.Benchmarks;

/// <summary>Where the golden fixtures and scratch files are.</summary>
internal static class BenchmarkPaths
{
    /// <summary><c>$BLIP2_GOLDEN_DIR</c>, else <c>../shared/golden</c> next to the folder holding <c>Blip2MLNet.sln</c>.</summary>
    public static string Golden(params string[] parts)
    {
        string? root = Environment.GetEnvironmentVariable("BLIP2_GOLDEN_DIR");
        if (string.IsNullOrWhiteSpace(root))
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Blip2MLNet.sln")))
                dir = dir.Parent;
            root = dir is null
                ? throw new DirectoryNotFoundException("Blip2MLNet.sln not found above the benchmark binaries; set BLIP2_GOLDEN_DIR.")
                : Path.Combine(dir.FullName, "..", "shared", "golden");
        }

        string path = Path.GetFullPath(Path.Combine([root, .. parts]));
        return File.Exists(path) || Directory.Exists(path) ? path : throw new FileNotFoundException($"Golden fixture not found: {path}", path);
    }

    /// <summary>A scratch folder under the temporary directory (kept between runs, so checkpoints are generated once).</summary>
    public static string Scratch(string name)
    {
        string path = Path.Combine(Path.GetTempPath(), "blip2-benchmarks", name);
        Directory.CreateDirectory(path);
        return path;
    }
}
