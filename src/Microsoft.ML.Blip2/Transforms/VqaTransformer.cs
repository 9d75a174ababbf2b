namespace Microsoft.ML.Blip2.Transforms;

/// <summary>
/// BLIP-2 visual question answering, fitted by <see cref="VqaEstimator"/>; see <see cref="Blip2TransformerBase"/> for laziness,
/// batching, thread safety and saving.
/// </summary>
public sealed class VqaTransformer : Blip2TransformerBase
{
    internal VqaTransformer(Blip2Task task)
        : base(task)
    {
    }

    /// <summary>A copy of the settings the transformer uses.</summary>
    public VqaEstimator.Options Options => (VqaEstimator.Options)Task.Options.Copy();
}
