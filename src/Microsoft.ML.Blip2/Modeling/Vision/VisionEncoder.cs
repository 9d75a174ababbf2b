using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Vision;

/// <summary>The stack of <see cref="VisionEncoderLayer"/>s (<c>encoder.layers.N</c>).</summary>
public sealed class VisionEncoder : Blip2Module
{
#pragma warning disable IDE1006
    private readonly TorchSharp.Modules.ModuleList<VisionEncoderLayer> layers;
#pragma warning restore IDE1006

    /// <summary>Creates placeholder layers.</summary>
    public VisionEncoder(Blip2VisionConfig config, ModuleOptions options) : base(nameof(VisionEncoder))
    {
        layers = new TorchSharp.Modules.ModuleList<VisionEncoderLayer>();
        for (int i = 0; i < config.NumHiddenLayers; i++)
            layers.Add(new VisionEncoderLayer(config, options));
        RegisterComponents();
    }

    /// <summary>Runs every layer.</summary>
    public Tensor Forward(Tensor hidden)
    {
        var h = hidden.alias();
        foreach (var layer in layers)
        {
            var next = layer.Forward(h);
            h.Dispose();
            h = next;
        }
        return h;
    }
}
