using Microsoft.ML.Blip2.Modeling.Outputs;
using Microsoft.ML.Blip2.Modeling.QFormer;
using Microsoft.ML.Blip2.Modeling.Vision;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling;

/// <summary>The step every BLIP-2 class shares: encode the image, then let the learned queries cross-attend to it.</summary>
internal static class ImageQuerying
{
    /// <summary>Vision output and Q-Former output over the expanded query tokens (tensors in the current scope).</summary>
    public static (VisionModelOutput Vision, QFormerOutput Queries) Run(Blip2VisionModel vision, Tensor queryTokens,
        Blip2QFormerModel qformer, Tensor pixelValues, bool interpolatePositionEncoding)
    {
        var visionOutput = vision.Forward(pixelValues, interpolatePositionEncoding);
        var imageEmbeds = visionOutput.LastHiddenState;
        using var imageMask = ones(imageEmbeds.shape[0], imageEmbeds.shape[1], dtype: ScalarType.Int64, device: imageEmbeds.device);
        using var queries = queryTokens.expand(imageEmbeds.shape[0], -1, -1);
        var queryOutput = qformer.Forward(queries, encoderHiddenStates: imageEmbeds, encoderAttentionMask: imageMask);
        return (visionOutput, queryOutput);
    }
}
