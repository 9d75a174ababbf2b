namespace Microsoft.ML.Blip2.Processing;

/// <summary>Padding strategy of a tokenizer call (Hugging Face <c>padding=False | True | "max_length"</c>).</summary>
public enum TokenizerPadding
{
    /// <summary>No padding; rows keep their own lengths.</summary>
    None,

    /// <summary>Pad every row to the longest row of the batch (<c>padding=True</c>).</summary>
    Longest,

    /// <summary>Pad every row to <see cref="TokenizerCallOptions.MaxLength"/> or the model maximum length.</summary>
    MaxLength,
}
