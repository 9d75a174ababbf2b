using System.Text.Json.Nodes;

namespace Blip2.Benchmarks;

/// <summary>The golden tiny OPT model with the golden tokenizer and a 30×30 preprocessor config, assembled once.</summary>
internal static class TinyModel
{
    private static readonly Lazy<string> Assembled = new(Assemble);

    public static string Directory => Assembled.Value;

    private static string Assemble()
    {
        string directory = BenchmarkPaths.Scratch("tiny-opt");
        foreach (string file in System.IO.Directory.EnumerateFiles(BenchmarkPaths.Golden("opt", "model")))
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
        foreach (string file in System.IO.Directory.EnumerateFiles(BenchmarkPaths.Golden("processor_opt", "processor")).Where(f => !Path.GetFileName(f).Contains("processor")))
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
        var preprocessor = JsonNode.Parse(File.ReadAllText(BenchmarkPaths.Golden("processor", "processor", "preprocessor_config.json")))!.AsObject();
        preprocessor["size"] = new JsonObject { ["height"] = 30, ["width"] = 30 };
        File.WriteAllText(Path.Combine(directory, "preprocessor_config.json"), preprocessor.ToJsonString());
        return directory;
    }
}
