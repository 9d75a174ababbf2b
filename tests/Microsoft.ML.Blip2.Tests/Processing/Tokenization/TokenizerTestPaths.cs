namespace Microsoft.ML.Blip2.Tests.Processing;

/// <summary>Where the tokenizer tests find golden data and their committed fixtures.</summary>
internal static class TokenizerTestPaths
{
    private const string SolutionFile = "Blip2MLNet.sln";

    /// <summary>The repository root: the first folder above the test assembly that holds the solution file.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException($"No folder above '{AppContext.BaseDirectory}' contains {SolutionFile}.");
        }
    }

    /// <summary><c>$BLIP2_GOLDEN_DIR</c>, else <c>&lt;repo&gt;/../shared/golden</c>; throws when it does not exist.</summary>
    public static string GoldenRoot
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable("BLIP2_GOLDEN_DIR");
            string root = string.IsNullOrEmpty(configured)
                ? Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "golden"))
                : configured;
            if (!Directory.Exists(root))
            {
                throw new DirectoryNotFoundException($"Golden data folder '{root}' does not exist (set BLIP2_GOLDEN_DIR).");
            }

            return root;
        }
    }

    /// <summary>A golden case folder, e.g. <c>tokenizer_opt</c>.</summary>
    public static string GoldenCase(string name) => Path.Combine(GoldenRoot, name);

    /// <summary>The committed reference fixtures of these tests (read from the source tree).</summary>
    public static string Fixture(string fileName)
    {
        string path = Path.Combine(RepositoryRoot, "tests", "Microsoft.ML.Blip2.Tests", "Processing", "Tokenization", "Fixtures", fileName);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Test fixture '{path}' is missing.", path);
    }

    /// <summary>A fresh temporary folder, deleted by disposing the result.</summary>
    public static TemporaryFolder NewTemporaryFolder() => new();

    internal sealed class TemporaryFolder : IDisposable
    {
        public TemporaryFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "blip2-tok-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        /// <summary>Copies the named files of <paramref name="sourceDir"/> here (all files when none are named).</summary>
        public void CopyFrom(string sourceDir, params string[] names)
        {
            IEnumerable<string> files = names.Length == 0
                ? Directory.GetFiles(sourceDir)
                : names.Select(n => System.IO.Path.Combine(sourceDir, n));
            foreach (string file in files)
            {
                string target = File(System.IO.Path.GetFileName(file));
                System.IO.File.Copy(file, target, overwrite: true);
                System.IO.File.SetAttributes(target, FileAttributes.Normal);
            }
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }
}
