using System.Text.Json.Nodes;
using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.IO;
using Microsoft.ML.Blip2.Modeling;
using TorchSharp;

namespace Blip2.Benchmarks;

/// <summary>
/// A complete BLIP-2 directory with random weights of about the requested size: the golden tiny OPT model with its
/// language model widened (hidden 1024, FFN 4096, as many layers as the size needs), plus the golden tokenizer and a
/// 30×30 preprocessor config. Generated once per size and reused.
/// </summary>
internal static class SyntheticCheckpoint
{
    private const int Hidden = 1024;
    private const int Ffn = 4096;

    public static string Create(int sizeMb)
    {
        string directory = BenchmarkPaths.Scratch($"checkpoint-{sizeMb}mb");
        string weights = Path.Combine(directory, CheckpointFileNames.SingleFile);
        if (File.Exists(weights))
            return directory;

        var config = JsonNode.Parse(File.ReadAllText(BenchmarkPaths.Golden("opt", "model", "config.json")))!.AsObject();
        var text = config["text_config"]!.AsObject();
        long perLayer = 4L * Hidden * Hidden + 2L * Hidden * Ffn;
        int layers = (int)Math.Max(1, sizeMb * 1024L * 1024 / 4 / perLayer);
        text["hidden_size"] = Hidden;
        text["word_embed_proj_dim"] = Hidden;
        text["ffn_dim"] = Ffn;
        text["num_attention_heads"] = 16;
        text["num_hidden_layers"] = layers;
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJsonString());
        File.Copy(BenchmarkPaths.Golden("opt", "model", "generation_config.json"), Path.Combine(directory, "generation_config.json"), overwrite: true);
        foreach (string file in Directory.EnumerateFiles(BenchmarkPaths.Golden("processor_opt", "processor")).Where(f => !Path.GetFileName(f).Contains("processor")))
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
        var preprocessor = JsonNode.Parse(File.ReadAllText(BenchmarkPaths.Golden("processor", "processor", "preprocessor_config.json")))!.AsObject();
        preprocessor["size"] = new JsonObject { ["height"] = 30, ["width"] = 30 };
        File.WriteAllText(Path.Combine(directory, "preprocessor_config.json"), preprocessor.ToJsonString());

        // Random values for every parameter of the module tree (the tied lm_head is not stored, as in Hugging Face).
        using var model = new Blip2ForConditionalGeneration(Blip2Config.FromDirectory(directory));
        var tensors = model.named_parameters()
            .Where(p => p.name != "language_model.lm_head.weight")
            .ToDictionary(p => p.name, p => torch.randn(p.parameter.shape));
        SafetensorsWriter.Write(weights, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var tensor in tensors.Values)
            tensor.Dispose();
        return directory;
    }
}
