using Microsoft.ML.Blip2.IO;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Tests.Modeling;

/// <summary>Copies a golden model directory to a temp folder with its weights edited (tests of loading rules).</summary>
internal sealed class CheckpointEditor : IDisposable
{
    public CheckpointEditor(string sourceDirectory, Action<Dictionary<string, Tensor>> edit)
    {
        Directory = Path.Combine(Path.GetTempPath(), "blip2-ckpt-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        foreach (string json in System.IO.Directory.GetFiles(sourceDirectory, "*.json"))
        {
            if (Path.GetFileName(json) != "model.safetensors.index.json")
                File.Copy(json, Path.Combine(Directory, Path.GetFileName(json)));
        }
        using var checkpoint = SafetensorsCheckpoint.Open(sourceDirectory);
        var tensors = checkpoint.Names.ToDictionary(n => n, n => checkpoint.LoadTensorCopy(n));
        edit(tensors);
        SafetensorsWriter.Write(Path.Combine(Directory, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var t in tensors.Values) t.Dispose();
    }

    public string Directory { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
