using System.Buffers.Binary;
using System.Text;

namespace Microsoft.ML.Blip2.Tests.IO;

/// <summary>Builds safetensors files byte by byte, so tests control every field (valid or not).</summary>
internal static class RawSafetensors
{
    /// <summary>8-byte little-endian length of <paramref name="header"/>, the header, then <paramref name="data"/>.</summary>
    public static byte[] Build(string header, byte[]? data = null) => Build(Encoding.UTF8.GetBytes(header), data);

    public static byte[] Build(byte[] header, byte[]? data = null) => Build((ulong)header.Length, header, data);

    /// <summary>Same with an arbitrary declared header length.</summary>
    public static byte[] Build(ulong declaredLength, byte[] header, byte[]? data = null)
    {
        data ??= [];
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }
}
