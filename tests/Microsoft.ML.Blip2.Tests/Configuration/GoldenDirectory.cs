namespace Microsoft.ML.Blip2.Tests.Configuration;

/// <summary>
/// Finds the golden fixtures made by Hugging Face transformers: <c>$BLIP2_GOLDEN_DIR</c>, else
/// <c>../shared/golden</c> next to the directory holding <c>Blip2MLNet.sln</c> (searched upwards from the test assembly).
/// </summary>
internal static class GoldenDirectory
{
    private static readonly Lazy<string> Root = new(Locate);

    public static string Path => Root.Value;

    /// <summary>Path of <paramref name="relative"/> inside the golden directory.</summary>
    public static string File(params string[] relative) => System.IO.Path.Combine([Path, .. relative]);

    /// <summary>Names of the case folders that contain every one of <paramref name="relativeFiles"/>.</summary>
    public static IEnumerable<string> CasesContaining(params string[] relativeFiles) =>
        Directory.EnumerateDirectories(Path)
            .Where(dir => relativeFiles.All(f => System.IO.File.Exists(System.IO.Path.Combine(dir, f))))
            .Select(dir => System.IO.Path.GetFileName(dir))
            .Order(StringComparer.Ordinal);

    private static string Locate()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("BLIP2_GOLDEN_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Directory.Exists(fromEnvironment)
                ? fromEnvironment
                : throw new DirectoryNotFoundException($"BLIP2_GOLDEN_DIR is '{fromEnvironment}', which does not exist.");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "Blip2MLNet.sln")))
            {
                string golden = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "golden"));
                return Directory.Exists(golden)
                    ? golden
                    : throw new DirectoryNotFoundException($"Golden fixtures expected at '{golden}' (next to the repository); set BLIP2_GOLDEN_DIR.");
            }
        }

        throw new DirectoryNotFoundException($"No Blip2MLNet.sln above '{AppContext.BaseDirectory}'; set BLIP2_GOLDEN_DIR.");
    }
}
