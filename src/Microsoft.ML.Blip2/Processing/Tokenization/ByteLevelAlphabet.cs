namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// GPT-2's <c>bytes_to_unicode</c>: a reversible map from the 256 byte values to printable characters, so byte-level
/// BPE tokens are strings ('Ġ' is the space byte, 'Ċ' the newline byte).
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly Dictionary<char, byte> CharToByte =
        Enumerable.Range(0, 256).ToDictionary(b => ByteToChar[b], b => (byte)b);

    public static char Encode(byte value) => ByteToChar[value];

    public static bool TryDecode(char c, out byte value) => CharToByte.TryGetValue(c, out value);

    private static char[] BuildByteToChar()
    {
        // Printable Latin-1 bytes map to themselves; the others are shifted past 255 in byte order.
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }

        return map;
    }
}
