using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>A pre-tokenizer that hands the whole text to the model unchanged (splitting is done before, HF-style).</summary>
internal sealed class WholeTextPreTokenizer : PreTokenizer
{
    public static WholeTextPreTokenizer Instance { get; } = new();

    /// <inheritdoc/>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) =>
        string.IsNullOrEmpty(text) ? [] : [(0, text.Length)];

    /// <inheritdoc/>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) =>
        text.IsEmpty ? [] : [(0, text.Length)];
}
