using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>
/// SHA-256 over the weight files of a checkpoint directory, in ordinal name order: for each file its UTF-8 name, a zero
/// byte, its length as 8 little-endian bytes, then its content.
/// </summary>
internal static class WeightFingerprint
{
    private const int BufferBytes = 1 << 20;

    /// <summary>The lowercase hex fingerprint of the weight files of <paramref name="directory"/>.</summary>
    public static string Compute(string directory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferBytes];
        Span<byte> length = stackalloc byte[8];
        foreach (ModelFile file in ModelFileNames.SnapshotWeightFiles(directory).OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file.Name));
            hash.AppendData([0]);
            BinaryPrimitives.WriteInt64LittleEndian(length, file.Length);
            hash.AppendData(length);
            using var stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                hash.AppendData(buffer, 0, read);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
