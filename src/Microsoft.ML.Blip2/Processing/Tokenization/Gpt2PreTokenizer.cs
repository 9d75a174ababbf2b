using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// GPT-2's pre-tokenizer regex <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>, evaluated
/// per code point. A .NET <see cref="System.Text.RegularExpressions.Regex"/> would see astral letters (e.g. CJK
/// extension B) as two surrogates outside <c>\p{L}</c>; Python's <c>regex</c> module does not.
/// </summary>
internal sealed class Gpt2PreTokenizer : PreTokenizer
{
    public static Gpt2PreTokenizer Instance { get; } = new();

    private enum CharClass
    {
        Letter,
        Number,
        Space,
        Other,
    }

    /// <inheritdoc/>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text ?? string.Empty);

    /// <inheritdoc/>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text.ToString());

    public static List<(int Offset, int Length)> Split(string text)
    {
        var pieces = new List<(int, int)>();
        int i = 0;
        while (i < text.Length)
        {
            int end = MatchAt(text, i);
            pieces.Add((i, end - i));
            i = end;
        }

        return pieces;
    }

    // Returns the end of the regex match that starts at i (the alternatives are tried in the regex's order).
    private static int MatchAt(string text, int i)
    {
        if (text[i] == '\'' && ContractionLength(text, i) is int contraction and > 0)
        {
            return i + contraction;
        }

        CharClass first = Classify(text, i, out int width);
        if (text[i] == ' ' && i + 1 < text.Length)
        {
            CharClass next = Classify(text, i + 1, out _);
            if (next != CharClass.Space)
            {
                return RunEnd(text, i + 1, next);
            }
        }

        if (first != CharClass.Space)
        {
            return RunEnd(text, i, first);
        }

        int runEnd = RunEnd(text, i, CharClass.Space);
        if (runEnd == text.Length)
        {
            return runEnd;
        }

        // \s+(?!\S): all but the last whitespace before a non-space; a lone whitespace falls through to \s+.
        int lastStart = char.IsLowSurrogate(text[runEnd - 1]) && runEnd - 2 >= i ? runEnd - 2 : runEnd - 1;
        return lastStart > i ? lastStart : i + width;
    }

    private static int ContractionLength(string text, int i)
    {
        int rest = text.Length - i - 1;
        if (rest >= 2 && (Matches(text, i + 1, "re") || Matches(text, i + 1, "ve") || Matches(text, i + 1, "ll")))
        {
            return 3;
        }

        return rest >= 1 && text[i + 1] is 's' or 't' or 'm' or 'd' ? 2 : 0;
    }

    private static bool Matches(string text, int at, string value) => string.CompareOrdinal(text, at, value, 0, value.Length) == 0;

    private static int RunEnd(string text, int start, CharClass kind)
    {
        int i = start;
        while (i < text.Length && Classify(text, i, out int width) == kind)
        {
            i += width;
        }

        return i;
    }

    private static CharClass Classify(string text, int index, out int width)
    {
        if (!Rune.TryGetRuneAt(text, index, out Rune rune))
        {
            width = 1; // a lone surrogate is neither letter, number nor space
            return CharClass.Other;
        }

        width = rune.Utf16SequenceLength;
        if (PythonText.IsWhiteSpaceProperty(rune.Value))
        {
            return CharClass.Space;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharClass.Number,
            _ => CharClass.Other,
        };
    }
}
