using Blip2.Trainers.Data;
using Microsoft.ML.Blip2.Modeling.Vision;
using static TorchSharp.torch;

namespace Blip2.Trainers.Objectives;

/// <summary>
/// The vision encoder's output for a batch: with a frozen encoder it runs without autograd (nothing to differentiate)
/// and, when caching is on, each image's features are kept under (cache, image key) and reused; a trained encoder runs
/// with autograd every time. Keys are only unique within one data source, so each source gets its own cache.
/// </summary>
internal sealed class ImageFeatureProvider(Blip2VisionModel vision, bool frozen, bool cache) : IDisposable
{
    private readonly Dictionary<object, Dictionary<long, Tensor>> _caches = new(ReferenceEqualityComparer.Instance);

    /// <summary>Bytes of cached features.</summary>
    public long CachedBytes => _caches.Values.SelectMany(c => c.Values).Sum(t => t.numel() * t.element_size());

    /// <summary>
    /// <c>[B, S, D]</c> features of the batch's images, in the caller's dispose scope. <paramref name="cacheOwner"/> names
    /// the cache (the data source the batch came from); null = never cache.
    /// </summary>
    public Tensor Embed(TrainingBatch batch, object? cacheOwner)
    {
        if (!frozen) return Encode(batch.PixelValues);
        using var noGrad = no_grad();
        if (!cache || cacheOwner is null) return Encode(batch.PixelValues);
        var keys = batch.ImageKeys
            ?? throw new InvalidOperationException("CacheImageFeatures is on but the batch has no ImageKeys to cache its image features under.");
        if (!_caches.TryGetValue(cacheOwner, out var features))
            _caches[cacheOwner] = features = new Dictionary<long, Tensor>();
        if (keys.All(features.ContainsKey))
            return stack(keys.Select(k => features[k]).ToArray());
        var computed = Encode(batch.PixelValues);
        for (int i = 0; i < keys.Count; i++)
        {
            if (!features.ContainsKey(keys[i]))
                features[keys[i]] = computed[i].clone().DetachFromDisposeScope();
        }
        return computed;
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
        foreach (var t in _caches.Values.SelectMany(c => c.Values)) t.Dispose();
        _caches.Clear();
    }
}
