namespace Microsoft.ML.Blip2.Processing;

/// <summary>Which end of a sequence loses tokens when it is truncated.</summary>
public enum TruncationSide
{
    /// <summary>Drop tokens from the end (Hugging Face <c>"right"</c>, the default).</summary>
    Right,

    /// <summary>Drop tokens from the start (Hugging Face <c>"left"</c>).</summary>
    Left,
}
