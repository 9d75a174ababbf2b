using System.Globalization;
using System.Text;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// Python <c>str</c> semantics that the Hugging Face tokenizers rely on and that .NET defines differently:
/// <c>isspace</c>/<c>strip</c>/<c>split</c> and <c>lower</c> (full mapping with final sigma), per code point.
/// </summary>
internal static class PythonText
{
    /// <summary>Python <c>str.isspace</c>: bidi class WS/B/S or category Zs (includes U+001C..U+001F, unlike .NET).</summary>
    public static bool IsSpace(int codePoint) => codePoint switch
    {
        >= 0x09 and <= 0x0D => true,
        >= 0x1C and <= 0x20 => true,
        0x85 or 0xA0 or 0x1680 or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        >= 0x2000 and <= 0x200A => true,
        _ => false,
    };

    /// <summary>The Unicode White_Space property (what <c>\s</c> means in the <c>regex</c> module used by GPT-2).</summary>
    public static bool IsWhiteSpaceProperty(int codePoint) => codePoint switch
    {
        >= 0x09 and <= 0x0D => true,
        0x20 or 0x85 or 0xA0 or 0x1680 or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        >= 0x2000 and <= 0x200A => true,
        _ => false,
    };

    /// <summary>Python <c>str.strip()</c>.</summary>
    public static string Strip(string text) => RStrip(LStrip(text));

    /// <summary>Python <c>str.lstrip()</c>.</summary>
    public static string LStrip(string text)
    {
        int start = 0;
        while (start < text.Length && IsSpaceAt(text, start, out int width))
        {
            start += width;
        }

        return start == 0 ? text : text[start..];
    }

    /// <summary>Python <c>str.rstrip()</c>.</summary>
    public static string RStrip(string text)
    {
        int end = text.Length;
        while (end > 0)
        {
            int start = char.IsLowSurrogate(text[end - 1]) && end >= 2 && char.IsHighSurrogate(text[end - 2]) ? end - 2 : end - 1;
            if (!IsSpaceAt(text, start, out _))
            {
                break;
            }

            end = start;
        }

        return end == text.Length ? text : text[..end];
    }

    /// <summary>Python <c>str.split()</c> without arguments: split on whitespace runs, no empty parts.</summary>
    public static List<string> SplitOnWhitespace(string text)
    {
        var parts = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && IsSpaceAt(text, i, out int w))
            {
                i += w;
            }

            int start = i;
            while (i < text.Length && !IsSpaceAt(text, i, out _))
            {
                i += Rune.GetRuneAt(text, i).Utf16SequenceLength;
            }

            if (i > start)
            {
                parts.Add(text[start..i]);
            }
        }

        return parts;
    }

    /// <summary>Python <c>str.lower()</c>: full lowercase mapping (U+0130 becomes "i̇") and the final-sigma rule.</summary>
    public static string Lower(string text)
    {
        var runes = text.EnumerateRunes().ToArray();
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < runes.Length; i++)
        {
            Rune r = runes[i];
            if (r.Value == 0x130)
            {
                sb.Append("i\u0307");
            }
            else if (r.Value == 0x3A3)
            {
                sb.Append(IsFinalSigma(runes, i) ? 'ς' : 'σ');
            }
            else
            {
                sb.Append(Rune.ToLowerInvariant(r).ToString());
            }
        }

        return sb.ToString();
    }

    /// <summary>Unicode general category of the code point at <paramref name="index"/>.</summary>
    public static UnicodeCategory CategoryAt(string text, int index) => Rune.GetUnicodeCategory(Rune.GetRuneAt(text, index));

    private static bool IsSpaceAt(string text, int index, out int width)
    {
        if (!Rune.TryGetRuneAt(text, index, out Rune rune))
        {
            width = 1;
            return false;
        }

        width = rune.Utf16SequenceLength;
        return IsSpace(rune.Value);
    }

    // Unicode Final_Sigma: a cased letter before (skipping case-ignorables) and none after.
    private static bool IsFinalSigma(Rune[] runes, int index)
    {
        int before = index - 1;
        while (before >= 0 && IsCaseIgnorable(runes[before]))
        {
            before--;
        }

        if (before < 0 || !IsCased(runes[before]))
        {
            return false;
        }

        int after = index + 1;
        while (after < runes.Length && IsCaseIgnorable(runes[after]))
        {
            after++;
        }

        return after >= runes.Length || !IsCased(runes[after]);
    }

    private static bool IsCased(Rune r) => Rune.GetUnicodeCategory(r) is UnicodeCategory.UppercaseLetter
        or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(Rune r) =>
        r.Value is '\'' or '.' or ':' or 0xB7 or 0x2019
        || Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
}
