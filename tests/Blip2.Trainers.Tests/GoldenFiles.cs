using Microsoft.ML.Blip2.IO;

namespace Blip2.Trainers.Tests;

/// <summary>Locates the golden fixtures produced by Hugging Face transformers (<c>$BLIP2_GOLDEN_DIR</c> or <c>../shared/golden</c>).</summary>
public static class GoldenFiles
{
    /// <summary>The golden root folder.</summary>
    public static string Directory
    {
        get
        {
            string? fromEnv = Environment.GetEnvironmentVariable("BLIP2_GOLDEN_DIR");
            string path = !string.IsNullOrWhiteSpace(fromEnv) ? fromEnv : Path.Combine(RepoRoot(), "..", "shared", "golden");
            path = Path.GetFullPath(path);
            if (!System.IO.Directory.Exists(path))
                throw new DirectoryNotFoundException($"Golden directory '{path}' does not exist (set BLIP2_GOLDEN_DIR).");
            return path;
        }
    }

    /// <summary>The <c>opt</c> case model (tiny BLIP-2 + OPT checkpoint).</summary>
    public static string OptModel => Path.Combine(Directory, "opt", "model");

    /// <summary>The <c>itm</c> case model (tiny retrieval checkpoint).</summary>
    public static string ItmModel => Path.Combine(Directory, "itm", "model");

    /// <summary>The <c>itm</c> case's two images with their ITM texts (one padded) as a training batch.</summary>
    public static Blip2.Trainers.Data.TrainingBatch ItmBatch()
    {
        using var inputs = Inputs("itm");
        return new(inputs.LoadTensorCopy("pixel_values"), inputs.LoadTensorCopy("itm_input_ids"), inputs.LoadTensorCopy("itm_attention_mask"));
    }

    /// <summary>Opens <c>inputs.safetensors</c> of a case.</summary>
    public static SafetensorsFile Inputs(string caseName) => SafetensorsFile.Open(Path.Combine(Directory, caseName, "inputs.safetensors"));

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Blip2MLNet.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Blip2MLNet.sln not found above {AppContext.BaseDirectory}.");
    }
}
