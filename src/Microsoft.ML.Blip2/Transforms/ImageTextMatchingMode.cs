namespace Microsoft.ML.Blip2.Transforms;

/// <summary>How <see cref="ImageTextMatchingTransformer"/> scores an image–text pair.</summary>
public enum ImageTextMatchingMode
{
    /// <summary>
    /// Image–text matching head: the probability (softmax of the two ITM logits, index 1) that the text describes the
    /// image, in [0, 1].
    /// </summary>
    Itm,

    /// <summary>Image–text contrastive similarity: cosine similarity of the projected embeddings (max over queries), in [−1, 1].</summary>
    Itc,
}
