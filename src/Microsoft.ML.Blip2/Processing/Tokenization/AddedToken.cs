namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// A token added on top of a model vocabulary (Hugging Face <c>AddedToken</c>): it is matched in the raw text before the
/// model tokenizer runs and always maps to one id.
/// </summary>
/// <param name="Content">The exact text of the token, e.g. <c>&lt;image&gt;</c>.</param>
public sealed record AddedToken(string Content)
{
    /// <summary>Whether the token absorbs the whitespace on its left (the text before it is right-stripped).</summary>
    public bool LStrip { get; init; }

    /// <summary>Whether the token absorbs the whitespace on its right (the text after it is left-stripped).</summary>
    public bool RStrip { get; init; }

    /// <summary>Whether the token only matches as a whole word.</summary>
    public bool SingleWord { get; init; }

    /// <summary>Whether the token is matched against normalized (e.g. lower-cased) text.</summary>
    public bool Normalized { get; init; }

    /// <summary>Whether the token is a special token (dropped by <c>skipSpecialTokens</c> when decoding).</summary>
    public bool Special { get; init; }

    /// <summary>Returns <see cref="Content"/>.</summary>
    public override string ToString() => Content;
}
