using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Vision;

/// <summary>Patch projection + CLS token + learned positions (<c>Blip2VisionEmbeddings</c>).</summary>
public sealed class VisionEmbeddings : Blip2Module
{
#pragma warning disable IDE1006
    private Parameter class_embedding;
    private readonly PatchConv patch_embedding;
    private Parameter position_embedding;
#pragma warning restore IDE1006
    private readonly long _patchSize;

    /// <summary>Creates placeholder embeddings for <paramref name="config"/>.</summary>
    public VisionEmbeddings(Blip2VisionConfig config, ModuleOptions options) : base(nameof(VisionEmbeddings))
    {
        long dim = config.HiddenSize;
        _patchSize = config.PatchSize;
        class_embedding = options.NewParameter(1, 1, dim);
        patch_embedding = new PatchConv(3, dim, config.PatchSize, options);
        long gridSide = config.ImageSize / config.PatchSize;
        position_embedding = options.NewParameter(1, gridSide * gridSide + 1, dim);
        RegisterComponents();
    }

    /// <summary>
    /// Embeds <c>[B, 3, H, W]</c> pixels to <c>[B, 1 + patches, D]</c>. At a size other than the configured one,
    /// <paramref name="interpolatePositions"/> must be true.
    /// </summary>
    public Tensor Forward(Tensor pixelValues, bool interpolatePositions)
    {
        using var scope = NewDisposeScope();
        long batch = pixelValues.shape[0], height = pixelValues.shape[2], width = pixelValues.shape[3];
        var patches = patch_embedding.Forward(pixelValues.to(patch_embedding.DType)).flatten(2).transpose(1, 2);
        var cls = class_embedding.expand(batch, 1, -1).to(patch_embedding.DType);
        var embeddings = cat([cls, patches], 1);
        long tokens = embeddings.shape[1];
        Tensor positions;
        if (interpolatePositions)
        {
            positions = InterpolatePositions(tokens - 1, height, width);
        }
        else
        {
            if (tokens > position_embedding.shape[1])
                throw new ArgumentException(
                    $"pixel_values of size {height}x{width} give {tokens - 1} patches but the model has positions for {position_embedding.shape[1] - 1}; " +
                    "resize the image to the configured image_size or pass interpolatePositionEncoding: true.", nameof(pixelValues));
            positions = position_embedding.narrow(1, 0, tokens);
        }
        return (embeddings + positions.to(embeddings.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The position table resized (PyTorch bicubic, A = −0.75, align_corners false, no antialias) to the patch grid of
    /// an <paramref name="height"/>×<paramref name="width"/> image; unchanged when the patch count equals the native one
    /// and the image is square (Hugging Face's shortcut).
    /// </summary>
    public Tensor InterpolatePositions(long patchCount, long height, long width)
    {
        using var scope = NewDisposeScope();
        long nativePatches = position_embedding.shape[1] - 1;
        if (patchCount == nativePatches && height == width)
            return position_embedding.alias().MoveToOuterDisposeScope();
        long dim = position_embedding.shape[2];
        long side = (long)Math.Sqrt(nativePatches);
        var classPosition = position_embedding.narrow(1, 0, 1);
        var grid = position_embedding.narrow(1, 1, nativePatches).reshape(1, side, side, dim).permute(0, 3, 1, 2);
        var resized = nn.functional.interpolate(grid, size: [height / _patchSize, width / _patchSize],
            mode: InterpolationMode.Bicubic, align_corners: false);
        var flat = resized.permute(0, 2, 3, 1).reshape(1, -1, dim);
        return cat([classPosition, flat], 1).MoveToOuterDisposeScope();
    }
}
