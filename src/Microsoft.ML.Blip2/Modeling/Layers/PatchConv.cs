using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Layers;

/// <summary>
/// A <c>torch.nn.Conv2d</c> with stride = kernel = patch size (<c>weight</c> <c>[out, in, p, p]</c>, <c>bias</c>): cuts an
/// image into non-overlapping patches and projects each one.
/// </summary>
public sealed class PatchConv : Blip2Module
{
#pragma warning disable IDE1006
    private Parameter weight;
    private Parameter bias;
#pragma warning restore IDE1006
    private readonly long _patch;

    /// <summary>Creates a placeholder patch projection.</summary>
    public PatchConv(long inChannels, long outChannels, long patchSize, ModuleOptions options) : base(nameof(PatchConv))
    {
        _patch = patchSize;
        weight = options.NewParameter(outChannels, inChannels, patchSize, patchSize);
        bias = options.NewParameter(outChannels);
        RegisterComponents();
    }

    /// <summary>Weight dtype (inputs are cast to it).</summary>
    public ScalarType DType => weight.dtype;

    /// <summary><c>[B, C, H, W]</c> → <c>[B, out, H/p, W/p]</c> (remainders dropped, as Conv2d does).</summary>
    public Tensor Forward(Tensor pixels) => nn.functional.conv2d(pixels, weight, bias, strides: [_patch, _patch]);
}
