using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;

namespace Microsoft.ML.Blip2.Modeling.Language.Opt;

/// <summary>Hugging Face <c>OPTModel</c>: a holder for <c>decoder</c> (kept for the state-dict key layout).</summary>
public sealed class OptModel : Blip2Module
{
#pragma warning disable IDE1006
    private readonly OptDecoder decoder;
#pragma warning restore IDE1006

    /// <summary>Creates a placeholder model.</summary>
    public OptModel(OptConfig config, ModuleOptions options) : base(nameof(OptModel))
    {
        decoder = new OptDecoder(config, options);
        RegisterComponents();
    }

    /// <summary>The decoder.</summary>
    public OptDecoder Decoder => decoder;
}
