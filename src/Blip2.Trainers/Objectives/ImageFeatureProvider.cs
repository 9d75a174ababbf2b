using Blip2.Trainers.Data;
using Microsoft.ML.Blip2.Modeling.Vision;
using static TorchSharp.torch;

namespace Blip2.Trainers.Objectives;

/// <summary>
/// The vision encoder's output for a batch: with a frozen encoder it runs without autograd (nothing to differentiate)
/// and, when caching is on, each image's features are kept by image key and reused; a trained encoder runs with
/// autograd every time.
/// </summary>
internal sealed class ImageFeatureProvider(Blip2VisionModel vision, bool frozen, bool cache) : IDisposable
{
    private readonly Dictionary<long, Tensor> _cache = new();

    /// <summary>Bytes of cached features.</summary>
    public long CachedBytes => _cache.Values.Sum(t => t.numel() * t.element_size());

    /// <summary>Number of cached images.</summary>
    public int CachedCount => _cache.Count;

    /// <summary><c>[B, S, D]</c> features of the batch's images, in the caller's dispose scope.</summary>
    public Tensor Embed(TrainingBatch batch)
    {
        if (!frozen) return Encode(batch.PixelValues);
        using var noGrad = no_grad();
        if (!cache) return Encode(batch.PixelValues);
        var keys = batch.ImageKeys
            ?? throw new InvalidOperationException("CacheImageFeatures is on but the batch has no ImageKeys to cache its image features under.");
        if (keys.All(_cache.ContainsKey))
            return stack(keys.Select(k => _cache[k]).ToArray());
        var features = Encode(batch.PixelValues);
        for (int i = 0; i < keys.Count; i++)
        {
            if (_cache.ContainsKey(keys[i])) continue;
            _cache[keys[i]] = features[i].clone().DetachFromDisposeScope();
        }
        return features;
    }

    private Tensor Encode(Tensor pixels)
    {
        var output = vision.Forward(pixels);
        output.PoolerOutput.Dispose();
        return output.LastHiddenState;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _cache.Values) t.Dispose();
        _cache.Clear();
    }
}
