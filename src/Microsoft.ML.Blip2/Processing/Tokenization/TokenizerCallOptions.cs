namespace Microsoft.ML.Blip2.Processing;

/// <summary>Options of a batch tokenizer call, mirroring the keyword arguments of a Hugging Face tokenizer call.</summary>
public sealed record TokenizerCallOptions
{
    /// <summary>Padding strategy; default none.</summary>
    public TokenizerPadding Padding { get; init; } = TokenizerPadding.None;

    /// <summary>
    /// Truncate to <see cref="MaxLength"/> (special tokens count). <see langword="null"/> means "not given": as in
    /// Hugging Face, a <see cref="MaxLength"/> without padding then still truncates.
    /// </summary>
    public bool? Truncation { get; init; }

    /// <summary>Maximum length for truncation and <see cref="TokenizerPadding.MaxLength"/> padding; defaults to the model maximum.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Round padded lengths up to a multiple of this value.</summary>
    public int? PadToMultipleOf { get; init; }

    /// <summary>Add the model's special tokens (BOS, EOS, [CLS]/[SEP]); default true.</summary>
    public bool AddSpecialTokens { get; init; } = true;

    /// <summary>Overrides the tokenizer's <see cref="Blip2Tokenizer.PaddingSide"/> for this call.</summary>
    public PaddingSide? PaddingSide { get; init; }

    /// <summary>Overrides whether token type ids are returned (default: only for models that use them, i.e. BERT).</summary>
    public bool? ReturnTokenTypeIds { get; init; }
}
