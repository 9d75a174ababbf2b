using System.Buffers.Binary;
using System.Text;

namespace Microsoft.ML.Blip2.Tests.Transforms;

/// <summary>One entry of a zip's central directory.</summary>
internal sealed record ZipEntryRecord(string Name, int CompressionMethod, long CompressedSize, long UncompressedSize);

/// <summary>
/// Reads a zip's central directory straight from the bytes (PKWARE APPNOTE 4.3.12/4.3.16), independently of
/// System.IO.Compression: compression method 0 means stored, 8 deflated.
/// </summary>
internal static class ZipCentralDirectory
{
    public static IReadOnlyList<ZipEntryRecord> Read(string zipPath)
    {
        byte[] zip = File.ReadAllBytes(zipPath);
        int end = -1;
        for (int i = zip.Length - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) == 0x06054b50)
            {
                end = i;
                break;
            }
        }

        Assert.IsTrue(end >= 0, "No end-of-central-directory record.");
        int count = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(end + 10));
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
        Assert.AreNotEqual(0xFFFFFFFFL, offset, "Zip64 archives are not expected in these tests.");
        var entries = new List<ZipEntryRecord>();
        int p = (int)offset;
        for (int e = 0; e < count; e++)
        {
            Assert.AreEqual(0x02014b50u, BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(p)), "Central directory header signature.");
            int method = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(p + 10));
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(p + 20));
            long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(p + 24));
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(p + 28));
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(p + 30));
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(p + 32));
            string name = Encoding.UTF8.GetString(zip, p + 46, nameLength);
            entries.Add(new ZipEntryRecord(name, method, compressed, uncompressed));
            p += 46 + nameLength + extraLength + commentLength;
        }

        return entries;
    }
}
