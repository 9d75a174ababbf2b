namespace Microsoft.ML.Blip2.Modeling.QFormer;

/// <summary>How the text positions of a Q-Former input attend (the query positions always see every query).</summary>
public enum QFormerTextAttention
{
    /// <summary>
    /// Every position sees every non-padding position, queries included (image–text matching, text features, Hugging
    /// Face's only mode).
    /// </summary>
    Bidirectional,

    /// <summary>
    /// LAVIS's decoder mode for image-grounded text generation (UniLM-style): queries see the queries only, text position
    /// <c>t</c> sees every query and the non-padding text positions up to <c>t</c>. The query outputs then equal those of
    /// a query-only pass.
    /// </summary>
    Causal,
}
