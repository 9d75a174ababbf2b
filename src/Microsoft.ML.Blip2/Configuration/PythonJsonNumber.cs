using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// Writes doubles the way Python's <c>json.dumps</c> does (<c>float.__repr__</c>): shortest round-trip digits,
/// always with a decimal point or exponent (<c>1.0</c>, <c>0.02</c>, <c>1e-06</c>, <c>1e+16</c>), so written
/// configs look like the ones Hugging Face writes and parse back to the same double.
/// </summary>
internal static class PythonJsonNumber
{
    /// <summary>Formats <paramref name="value"/> like Python's <c>repr(float)</c>.</summary>
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON has no representation for NaN or infinity.");
        }

        string sign = value < 0 || (value == 0 && double.IsNegative(value)) ? "-" : "";
        (string digits, int decimalPoint) = ShortestDigits(Math.Abs(value));
        if (digits.Length == 0)
        {
            return sign + "0.0";
        }

        // Python's 'r' format switches to an exponent when the decimal point is outside (-4, 16].
        return sign + (decimalPoint <= -4 || decimalPoint > 16
            ? Scientific(digits, decimalPoint - 1)
            : Positional(digits, decimalPoint));
    }

    /// <summary>A JSON number node whose raw text is <see cref="Format"/>'s output.</summary>
    public static JsonNode ToNode(double value, string key)
    {
        if (!double.IsFinite(value))
        {
            throw new InvalidOperationException($"Cannot write '{key}' = {value}: JSON has no representation for NaN or infinity.");
        }

        return JsonNode.Parse(Format(value))!;
    }

    /// <summary>Digits without leading/trailing zeros and the position of the decimal point (value = 0.digits × 10^point).</summary>
    private static (string Digits, int DecimalPoint) ShortestDigits(double magnitude)
    {
        // .NET's "R" gives the shortest digits that round-trip, like Python's repr.
        string text = magnitude.ToString("R", CultureInfo.InvariantCulture);
        int exponent = 0;
        int e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        int dot = text.IndexOf('.');
        string integerPart = dot >= 0 ? text[..dot] : text;
        string fraction = dot >= 0 ? text[(dot + 1)..] : "";
        string digits = integerPart + fraction;
        int decimalPoint = integerPart.Length + exponent;
        int leadingZeros = digits.Length - digits.TrimStart('0').Length;
        return (digits[leadingZeros..].TrimEnd('0'), decimalPoint - leadingZeros);
    }

    private static string Scientific(string digits, int exponent)
    {
        var text = new StringBuilder();
        text.Append(digits[0]);
        if (digits.Length > 1)
        {
            text.Append('.').Append(digits, 1, digits.Length - 1);
        }

        text.Append('e').Append(exponent < 0 ? '-' : '+');
        text.Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
        return text.ToString();
    }

    private static string Positional(string digits, int decimalPoint)
    {
        if (decimalPoint <= 0)
        {
            return "0." + new string('0', -decimalPoint) + digits;
        }

        if (decimalPoint >= digits.Length)
        {
            return digits + new string('0', decimalPoint - digits.Length) + ".0";
        }

        return digits[..decimalPoint] + "." + digits[decimalPoint..];
    }
}
