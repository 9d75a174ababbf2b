using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.QFormer;

/// <summary>The stack of <see cref="QFormerLayer"/>s (<c>encoder.layer.N</c>).</summary>
public sealed class QFormerEncoder : Blip2Module
{
#pragma warning disable IDE1006
    private readonly TorchSharp.Modules.ModuleList<QFormerLayer> layer;
#pragma warning restore IDE1006

    /// <summary>Creates placeholder layers.</summary>
    public QFormerEncoder(Blip2QFormerConfig config, ModuleOptions options) : base(nameof(QFormerEncoder))
    {
        layer = new TorchSharp.Modules.ModuleList<QFormerLayer>();
        for (int i = 0; i < config.NumHiddenLayers; i++)
            layer.Add(new QFormerLayer(config, i, options));
        RegisterComponents();
    }

    /// <summary>Runs every layer.</summary>
    public Tensor Forward(Tensor hidden, Tensor? selfBias, Tensor? encoderHidden, Tensor? encoderBias, long queryLength)
    {
        var h = hidden.alias();
        foreach (var l in layer)
        {
            var next = l.Forward(h, selfBias, encoderHidden, encoderBias, queryLength);
            h.Dispose();
            h = next;
        }
        return h;
    }
}
