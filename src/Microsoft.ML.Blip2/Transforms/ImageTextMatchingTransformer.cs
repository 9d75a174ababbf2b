namespace Microsoft.ML.Blip2.Transforms;

/// <summary>
/// BLIP-2 image–text matching, fitted by <see cref="ImageTextMatchingEstimator"/>; see <see cref="Blip2TransformerBase"/> for laziness,
/// batching, thread safety and saving.
/// </summary>
public sealed class ImageTextMatchingTransformer : Blip2TransformerBase
{
    internal ImageTextMatchingTransformer(Blip2Task task)
        : base(task)
    {
    }

    /// <summary>A copy of the settings the transformer uses.</summary>
    public ImageTextMatchingEstimator.Options Options => (ImageTextMatchingEstimator.Options)Task.Options.Copy();
}
