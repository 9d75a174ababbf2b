using System.Text;
using Microsoft.ML.Blip2.IO;

namespace Microsoft.ML.Blip2.Tests.IO;

/// <summary>Every malformed file must be rejected with a <see cref="SafetensorsException"/> naming the file (and tensor).</summary>
[TestClass]
public sealed class SafetensorsMalformedFileTests
{
    private static readonly byte[] EightBytes = new byte[8];

    public static IEnumerable<object?[]> Cases =>
    [
        // case name, file bytes, tensor the message must name (null: none)
        ["truncated (< 8 bytes)", new byte[] { 1, 2, 3, 4, 5 }, null],
        ["empty file", Array.Empty<byte>(), null],
        ["header length past end of file", RawSafetensors.Build(1000, Encoding.UTF8.GetBytes("{}")), null],
        ["header length 0", RawSafetensors.Build(0, []), null],
        ["header length 1", RawSafetensors.Build(1, "{"u8.ToArray()), null],
        ["header length 2^63", RawSafetensors.Build(1UL << 63, "{}"u8.ToArray()), null],
        ["header length just over 100 MB limit", RawSafetensors.Build(100_000_001, "{}"u8.ToArray()), null],
        ["invalid JSON", RawSafetensors.Build("{\"a\":"), null],
        ["JSON array, not an object", RawSafetensors.Build("[1, 2]  "), null],
        ["JSON string, not an object", RawSafetensors.Build("\"abc\""), null],
        ["leading whitespace before the object", RawSafetensors.Build(" {}"), null],
        ["non-UTF-8 header", RawSafetensors.Build([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']), null],
        ["unknown dtype", RawSafetensors.Build("""{"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,2]}}""", new byte[2]), "w"],
        ["lower-case dtype", RawSafetensors.Build("""{"w":{"dtype":"f32","shape":[2],"data_offsets":[0,8]}}""", EightBytes), "w"],
        ["dtype not a string", RawSafetensors.Build("""{"w":{"dtype":4,"shape":[2],"data_offsets":[0,8]}}""", EightBytes), "w"],
        ["negative shape", RawSafetensors.Build("""{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", EightBytes), "w"],
        ["non-integer shape", RawSafetensors.Build("""{"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}""", EightBytes), "w"],
        ["exponent shape", RawSafetensors.Build("""{"w":{"dtype":"U8","shape":[8e0],"data_offsets":[0,8]}}""", EightBytes), "w"],
        ["shape of strings", RawSafetensors.Build("""{"w":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}}""", EightBytes), "w"],
        ["shape not an array", RawSafetensors.Build("""{"w":{"dtype":"F32","shape":2,"data_offsets":[0,8]}}""", EightBytes), "w"],
        ["shape dimension beyond 64 bits", RawSafetensors.Build("""{"w":{"dtype":"U8","shape":[18446744073709551617],"data_offsets":[0,8]}}""", EightBytes), "w"],
        ["shape product overflow", RawSafetensors.Build("""{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}""", EightBytes), "w"],
        ["element count times item size overflow", RawSafetensors.Build("""{"w":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,8]}}""", EightBytes), "w"],
        ["offsets out of bounds", RawSafetensors.Build("""{"w":{"dtype":"U8","shape":[100],"data_offsets":[0,100]}}""", EightBytes), "w"],
        ["begin after end", RawSafetensors.Build("""{"w":{"dtype":"U8","shape":[4],"data_offsets":[8,4]}}""", EightBytes), "w"],
        ["negative offset", RawSafetensors.Build("""{"w":{"dtype":"U8","shape":[8],"data_offsets":[-1,7]}}""", EightBytes), "w"],
        ["three offsets", RawSafetensors.Build("""{"w":{"dtype":"U8","shape":[8],"data_offsets":[0,4,8]}}""", EightBytes), "w"],
        ["size differs from numel x itemsize", RawSafetensors.Build("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", EightBytes), "w"],
        ["overlapping tensors", RawSafetensors.Build("""{"a":{"dtype":"U8","shape":[6],"data_offsets":[0,6]},"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}""", EightBytes), "b"],
        ["gap between tensors", RawSafetensors.Build("""{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}""", EightBytes), "b"],
        ["first tensor not at offset 0", RawSafetensors.Build("""{"a":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}""", EightBytes), "a"],
        ["data section longer than covered", RawSafetensors.Build("""{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}""", EightBytes), null],
        ["data but no tensors", RawSafetensors.Build("{}", EightBytes), null],
        ["duplicate tensor key", RawSafetensors.Build("""{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"a":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}""", EightBytes), "a"],
        ["duplicate __metadata__", RawSafetensors.Build("""{"__metadata__":{},"__metadata__":{}}"""), null],
        ["__metadata__ not an object", RawSafetensors.Build("""{"__metadata__":"pt"}"""), null],
        ["__metadata__ value not a string", RawSafetensors.Build("""{"__metadata__":{"format":1}}"""), null],
        ["__metadata__ null", RawSafetensors.Build("""{"__metadata__":null}"""), null],
        ["missing data_offsets", RawSafetensors.Build("""{"w":{"dtype":"U8","shape":[8]}}""", EightBytes), "w"],
        ["missing dtype", RawSafetensors.Build("""{"w":{"shape":[8],"data_offsets":[0,8]}}""", EightBytes), "w"],
        ["extra field", RawSafetensors.Build("""{"w":{"dtype":"U8","shape":[8],"data_offsets":[0,8],"offsets":[0,8]}}""", EightBytes), "w"],
        ["duplicate field", RawSafetensors.Build("""{"w":{"dtype":"U8","dtype":"U8","shape":[8],"data_offsets":[0,8]}}""", EightBytes), "w"],
        ["tensor entry not an object", RawSafetensors.Build("""{"w":[0,8]}""", EightBytes), "w"],
        ["trailing garbage after the object", RawSafetensors.Build("{}x"), null],
        ["NUL padding instead of spaces", RawSafetensors.Build("{}\0\0\0\0\0\0"), null],
    ];

    public static string CaseName(System.Reflection.MethodInfo _, object?[] data) => (string)data[0]!;

    [TestMethod]
    [DynamicData(nameof(Cases), DynamicDataDisplayName = nameof(CaseName))]
    public void OpenRejectsMalformedFile(string caseName, byte[] bytes, string? tensor)
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("bad.safetensors");
        File.WriteAllBytes(path, bytes);

        var error = Assert.ThrowsExactly<SafetensorsException>(() => SafetensorsFile.Open(path).Dispose(), caseName);
        Assert.AreEqual(path, error.FilePath, caseName);
        StringAssert.Contains(error.Message, path, caseName);
        Assert.AreEqual(tensor, error.TensorName, $"{caseName}: {error.Message}");
        if (tensor is not null)
        {
            StringAssert.Contains(error.Message, $"'{tensor}'", caseName);
        }

        var headerError = Assert.ThrowsExactly<SafetensorsException>(() => SafetensorsFile.ReadHeader(path), caseName);
        Assert.AreEqual(error.Message, headerError.Message, caseName);
    }

    [TestMethod]
    public void ThereAreAtLeastFifteenDistinctMalformedCases()
    {
        Assert.IsGreaterThanOrEqualTo(15, Cases.Select(c => (string)c[0]!).Distinct().Count());
    }

    [TestMethod]
    public void MinimalEmptyFileIsValid()
    {
        // Control case for the rejections above: the Rust crate's own empty-file vector ('{}' padded to 8).
        using var directory = new TemporaryDirectory();
        string path = directory.File("empty.safetensors");
        File.WriteAllBytes(path, RawSafetensors.Build("{}      "));

        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.IsEmpty(file.Tensors);
        Assert.IsEmpty(file.Metadata);
    }

    [TestMethod]
    public void ValidHandMadeFileWithUnsortedHeaderAndZeroLengthTensorsIsAccepted()
    {
        // Entries in reverse offset order, a zero-length tensor in the middle: legal per the format.
        using var directory = new TemporaryDirectory();
        string path = directory.File("ok.safetensors");
        File.WriteAllBytes(path, RawSafetensors.Build(
            """{"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]},"z":{"dtype":"F32","shape":[0,3],"data_offsets":[4,4]},"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"__metadata__":{"k":"v"}}""",
            [1, 2, 3, 4, 5, 6, 7, 8]));

        using SafetensorsFile file = SafetensorsFile.Open(path);
        CollectionAssert.AreEqual(new[] { "a", "z", "b" }, file.Tensors.Select(t => t.Name).ToArray());
        Assert.AreEqual("v", file.Metadata["k"]);
        CollectionAssert.AreEqual(new byte[] { 5, 6, 7, 8 }, file.GetBytes("b").ToArray());
    }
}
