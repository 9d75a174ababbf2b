namespace Microsoft.ML.Blip2.Processing;

/// <summary>Which end of a sequence receives padding tokens.</summary>
public enum PaddingSide
{
    /// <summary>Pad after the tokens (Hugging Face <c>"right"</c>).</summary>
    Right,

    /// <summary>Pad before the tokens (Hugging Face <c>"left"</c>).</summary>
    Left,
}
