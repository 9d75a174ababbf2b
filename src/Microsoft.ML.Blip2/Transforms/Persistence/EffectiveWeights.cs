using Microsoft.ML.Blip2.IO;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>The weights a transformer runs with, as files: a checkpoint, optionally overlaid by a delta file.</summary>
internal sealed class EffectiveWeights : IDisposable
{
    private readonly SafetensorsCheckpoint checkpoint;
    private readonly SafetensorsFile? overlay;

    private EffectiveWeights(SafetensorsCheckpoint checkpoint, SafetensorsFile? overlay)
    {
        this.checkpoint = checkpoint;
        this.overlay = overlay;
    }

    /// <summary>Every tensor name, ordinal order.</summary>
    public IReadOnlyList<string> Names => checkpoint.Names;

    /// <summary>Opens the weights of <paramref name="source"/>.</summary>
    public static EffectiveWeights Open(ModelSource source)
    {
        if (source.Delta is null)
            return new EffectiveWeights(SafetensorsCheckpoint.Open(source.Directory), null);
        var checkpoint = SafetensorsCheckpoint.Open(source.Delta.BaseDirectory);
        SafetensorsFile? overlay = null;
        try
        {
            overlay = SafetensorsFile.Open(source.Delta.DeltaFile.Path);
            var unknown = overlay.Tensors.FirstOrDefault(t => !checkpoint.Contains(t.Name));
            if (unknown is not null)
                throw new InvalidDataException($"Delta weights '{overlay.Path}' hold '{unknown.Name}', which the base checkpoint '{source.Delta.BaseDirectory}' does not have.");
            return new EffectiveWeights(checkpoint, overlay);
        }
        catch
        {
            overlay?.Dispose();
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>The entry of a tensor (from the overlay when it holds it).</summary>
    public SafetensorsTensorInfo Info(string name) => overlay is not null && overlay.TryGetInfo(name, out var info) ? info : checkpoint.GetInfo(name);

    /// <summary>The raw bytes of a tensor, valid while this object is not disposed.</summary>
    public ReadOnlySpan<byte> Bytes(string name) => overlay is not null && overlay.Contains(name) ? overlay.GetBytes(name) : checkpoint.GetFile(name).GetBytes(name);

    /// <summary>A zero-copy view of a tensor (the caller disposes it).</summary>
    public Tensor Load(string name) => overlay is not null && overlay.Contains(name) ? overlay.LoadTensor(name) : checkpoint.LoadTensor(name);

    public void Dispose()
    {
        overlay?.Dispose();
        checkpoint.Dispose();
    }
}
