namespace Microsoft.ML.Blip2.Transforms;

/// <summary>
/// BLIP-2 image captioning, fitted by <see cref="ImageCaptioningEstimator"/>; see <see cref="Blip2TransformerBase"/> for laziness,
/// batching, thread safety and saving.
/// </summary>
public sealed class ImageCaptioningTransformer : Blip2TransformerBase
{
    internal ImageCaptioningTransformer(Blip2Task task)
        : base(task)
    {
    }

    /// <summary>A copy of the settings the transformer uses.</summary>
    public ImageCaptioningEstimator.Options Options => (ImageCaptioningEstimator.Options)Task.Options.Copy();
}
