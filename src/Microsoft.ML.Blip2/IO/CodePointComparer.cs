using System.Text;

namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// Orders strings by Unicode code points, which equals the byte order of their UTF-8 encodings: the order of Rust
/// <c>String</c> (safetensors tensor order) and of Python <c>str</c> (<c>json.dumps(sort_keys=True)</c>).
/// <see cref="StringComparer.Ordinal"/> differs from it for characters above U+FFFF versus U+E000–U+FFFF.
/// </summary>
internal sealed class CodePointComparer : IComparer<string>
{
    internal static readonly CodePointComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        StringRuneEnumerator left = x.EnumerateRunes(), right = y.EnumerateRunes();
        while (true)
        {
            bool hasLeft = left.MoveNext(), hasRight = right.MoveNext();
            if (!hasLeft || !hasRight)
            {
                return hasLeft.CompareTo(hasRight);
            }

            int order = left.Current.Value.CompareTo(right.Current.Value);
            if (order != 0)
            {
                return order;
            }
        }
    }
}
