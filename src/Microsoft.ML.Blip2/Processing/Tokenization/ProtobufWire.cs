namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// Minimal protobuf wire-format reading and writing, enough to read a SentencePiece <c>ModelProto</c> and to rewrite a
/// few scalar fields of it without a protobuf dependency.
/// </summary>
internal static class ProtobufWire
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    /// <summary>One field of a message: number, wire type, the varint/fixed value or the payload range, and the whole span.</summary>
    public readonly record struct Field(int Number, int WireType, ulong Value, int PayloadStart, int PayloadLength, int Start, int End);

    /// <summary>Enumerates the fields of a message held in <paramref name="data"/>[<paramref name="start"/>..<paramref name="end"/>).</summary>
    public static IEnumerable<Field> Fields(byte[] data, int start, int end, string source)
    {
        int p = start;
        while (p < end)
        {
            int fieldStart = p;
            ulong key = ReadVarint(data, ref p, end, source);
            int number = (int)(key >> 3);
            int wireType = (int)(key & 7);
            switch (wireType)
            {
                case Varint:
                    ulong value = ReadVarint(data, ref p, end, source);
                    yield return new Field(number, wireType, value, p, 0, fieldStart, p);
                    break;
                case Fixed64:
                    Check(p + 8 <= end, source);
                    yield return new Field(number, wireType, BitConverter.ToUInt64(data, p), p, 8, fieldStart, p += 8);
                    break;
                case Fixed32:
                    Check(p + 4 <= end, source);
                    yield return new Field(number, wireType, BitConverter.ToUInt32(data, p), p, 4, fieldStart, p += 4);
                    break;
                case LengthDelimited:
                    ulong length = ReadVarint(data, ref p, end, source);
                    Check(length <= (ulong)(end - p), source);
                    int payload = p;
                    p += (int)length;
                    yield return new Field(number, wireType, 0, payload, (int)length, fieldStart, p);
                    break;
                default:
                    throw new InvalidDataException($"{source}: unsupported protobuf wire type {wireType} (field {number}) at byte {fieldStart}.");
            }
        }
    }

    public static void WriteVarint(List<byte> output, ulong value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }

    public static void WriteKey(List<byte> output, int number, int wireType) => WriteVarint(output, ((ulong)number << 3) | (uint)wireType);

    /// <summary>An int32 as protobuf encodes it (negative values sign-extended to 64 bits).</summary>
    public static ulong Int32ToVarint(int value) => unchecked((ulong)(long)value);

    private static ulong ReadVarint(byte[] data, ref int p, int end, string source)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            Check(p < end, source);
            byte b = data[p++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException($"{source}: malformed protobuf varint at byte {p}.");
    }

    private static void Check(bool ok, string source)
    {
        if (!ok)
        {
            throw new InvalidDataException($"{source}: truncated protobuf message.");
        }
    }
}
