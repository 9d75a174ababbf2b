using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.IO;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Loading;

/// <summary>
/// Writes a model as a Hugging Face checkpoint directory (<c>config.json</c> + <c>model.safetensors</c>, or shards +
/// index above the shard size), loadable by <c>FromPretrained</c> here and by transformers.
/// </summary>
public static class PretrainedSaver
{
    /// <summary>Default shard size, as transformers' <c>save_pretrained</c>.</summary>
    public const long DefaultMaxShardBytes = 5L * 1000 * 1000 * 1000;

    /// <summary>
    /// Saves <paramref name="model"/> with <paramref name="config"/> into <paramref name="directory"/> (created if
    /// needed). Tied parameters are written once (under the first name), as transformers does.
    /// </summary>
    public static void Save(Blip2Module model, PretrainedConfig config, string directory, long maxShardBytes = DefaultMaxShardBytes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        config.Save(directory, sparse: true);
        using var scope = NewDisposeScope();
        var tensors = model.named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter.detach())).ToList();
        SafetensorsShardedWriter.Write(directory, tensors, maxShardBytes, new Dictionary<string, string> { ["format"] = "pt" });
    }
}
