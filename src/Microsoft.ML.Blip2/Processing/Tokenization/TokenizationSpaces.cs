namespace Microsoft.ML.Blip2.Processing;

/// <summary>Hugging Face <c>clean_up_tokenization</c>: removes the spaces that word-level decoding puts before punctuation.</summary>
internal static class TokenizationSpaces
{
    // Applied in this order, exactly as PreTrainedTokenizerBase.clean_up_tokenization does.
    private static readonly (string From, string To)[] Replacements =
    [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
        (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ];

    public static string CleanUp(string text)
    {
        foreach ((string from, string to) in Replacements)
        {
            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        return text;
    }
}
