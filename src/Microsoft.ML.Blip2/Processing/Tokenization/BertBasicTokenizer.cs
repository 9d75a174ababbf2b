using System.Globalization;
using System.Text;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// Hugging Face <c>BasicTokenizer</c>: clean control characters, isolate CJK ideographs, NFC, split on whitespace,
/// lower-case and strip accents, split off punctuation. Words in the never-split set pass through whole.
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers' own BERT pre-tokenization differs from transformers (it drops words that map to [UNK],
/// e.g. emoji, and keeps format characters such as U+200B), so this part is implemented here.
/// </remarks>
/// <param name="DoLowerCase">Lower-case words (and strip accents unless <paramref name="StripAccents"/> is false).</param>
/// <param name="StripAccents">null: follow <paramref name="DoLowerCase"/>; true/false: force.</param>
/// <param name="TokenizeChineseChars">Put spaces around CJK ideographs.</param>
internal sealed record BertBasicTokenizer(bool DoLowerCase, bool? StripAccents, bool TokenizeChineseChars)
{
    public List<string> Tokenize(string text, IReadOnlySet<string> neverSplit)
    {
        text = CleanText(text);
        if (TokenizeChineseChars)
        {
            text = SpaceOutCjk(text);
        }

        var split = new List<string>();
        foreach (string word in PythonText.SplitOnWhitespace(text.Normalize(NormalizationForm.FormC)))
        {
            string token = word;
            if (!neverSplit.Contains(token))
            {
                if (DoLowerCase)
                {
                    token = PythonText.Lower(token);
                    token = StripAccents is not false ? RemoveAccents(token) : token;
                }
                else if (StripAccents is true)
                {
                    token = RemoveAccents(token);
                }
            }

            split.AddRange(neverSplit.Contains(token) ? [token] : SplitOnPunctuation(token));
        }

        return PythonText.SplitOnWhitespace(string.Join(" ", split));
    }

    /// <summary>BERT's punctuation: every non-alphanumeric printable ASCII character plus Unicode category P*.</summary>
    public static bool IsPunctuation(Rune rune) =>
        rune.Value is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    private static string CleanText(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (rune.Value is 0 or 0xFFFD || IsControl(rune))
            {
                continue;
            }

            if (IsWhitespace(rune))
            {
                sb.Append(' ');
            }
            else
            {
                sb.Append(rune.ToString());
            }
        }

        return sb.ToString();
    }

    private static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator;

    // Category C* (control, format, surrogate, private use, unassigned), except \t \n \r which count as whitespace.
    private static bool IsControl(Rune rune) =>
        rune.Value is not ('\t' or '\n' or '\r')
        && Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    private static string SpaceOutCjk(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (IsCjkIdeograph(rune.Value))
            {
                sb.Append(' ').Append(rune.ToString()).Append(' ');
            }
            else
            {
                sb.Append(rune.ToString());
            }
        }

        return sb.ToString();
    }

    // The CJK Unified Ideographs blocks BERT lists (not Hangul, Hiragana or Katakana).
    private static bool IsCjkIdeograph(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;

    private static string RemoveAccents(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (Rune rune in text.Normalize(NormalizationForm.FormD).EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(rune.ToString());
            }
        }

        return sb.ToString();
    }

    private static List<string> SplitOnPunctuation(string text)
    {
        var output = new List<string>();
        var current = new StringBuilder();
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (IsPunctuation(rune))
            {
                if (current.Length > 0)
                {
                    output.Add(current.ToString());
                    current.Clear();
                }

                output.Add(rune.ToString());
            }
            else
            {
                current.Append(rune.ToString());
            }
        }

        if (current.Length > 0)
        {
            output.Add(current.ToString());
        }

        return output;
    }
}
