using System.Text;
using Microsoft.ML.Blip2.IO;
using TorchSharp;

namespace Microsoft.ML.Blip2.Tests.IO;

/// <summary>
/// Byte-for-byte comparisons with files written by the Python safetensors format rules (golden fixtures) and with
/// the test vectors of the Rust crate's own unit tests.
/// </summary>
[TestClass]
public sealed class SafetensorsGoldenLayoutTests
{
    [TestMethod]
    [DataRow("opt", "model", "model.safetensors")]
    [DataRow("opt", "inputs.safetensors")]
    [DataRow("opt", "expected.safetensors")]
    [DataRow("t5", "model", "model.safetensors")]
    [DataRow("opt_fp16_sharded", "model", "model-00001-of-00002.safetensors")]
    [DataRow("processor", "expected.safetensors")]
    public void RewritingAGoldenFileReproducesItsBytes(params string[] relativePath)
    {
        string source = GoldenData.PathOf(relativePath);
        using var directory = new TemporaryDirectory();
        string copy = directory.File("rewritten.safetensors");
        using (var scope = torch.NewDisposeScope())
        using (SafetensorsFile file = SafetensorsFile.Open(source))
        {
            // Feed the tensors in reverse name order: the writer must establish the data order itself.
            var tensors = file.Tensors.OrderByDescending(t => t.Name, StringComparer.Ordinal)
                .Select(t => KeyValuePair.Create(t.Name, file.LoadTensor(t.Name)))
                .ToList();
            IReadOnlyDictionary<string, string>? metadata = HasMetadataKey(source) ? file.Metadata : null;
            SafetensorsWriter.Write(copy, tensors, metadata);
        }

        byte[] expected = File.ReadAllBytes(source), actual = File.ReadAllBytes(copy);
        Assert.AreEqual(expected.Length, actual.Length, "file length");
        int firstDifference = expected.AsSpan().CommonPrefixLength(actual);
        Assert.AreEqual(expected.Length, firstDifference, $"first differing byte at {firstDifference}");
    }

    [TestMethod]
    public void RustCrateSerializationVectorIsReproduced()
    {
        // safetensors/src/tensor.rs test_serialization: "attn.0", F32, shape [1, 2, 3], values 0..5.
        byte[] expected =
        [
            64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
            116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
            58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
            101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
            0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        ];
        using torch.Tensor values = torch.arange(6, torch.ScalarType.Float32).reshape(1, 2, 3);

        CollectionAssert.AreEqual(expected, WriteToBytes([KeyValuePair.Create("attn.0", values)], null));
    }

    [TestMethod]
    public void RustCrateForcedAlignmentVectorIsReproduced()
    {
        // test_serialization_forced_alignement: "attn0", F32, shape [1, 1, 2, 3] -> 7 spaces of padding.
        byte[] expected =
        [
            72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
            121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
            91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
            115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
            32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
            160, 64,
        ];
        using torch.Tensor values = torch.arange(6, torch.ScalarType.Float32).reshape(1, 1, 2, 3);

        CollectionAssert.AreEqual(expected, WriteToBytes([KeyValuePair.Create("attn0", values)], null));
    }

    [TestMethod]
    public void RustCrateEmptyVectorsAreReproduced()
    {
        // test_empty: no tensors, without and with metadata {"framework": "pt"}.
        CollectionAssert.AreEqual(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32 }, WriteToBytes([], null));
        byte[] withMetadata =
        [
            40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
            95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
            116, 34, 125, 125, 32, 32, 32, 32, 32,
        ];
        CollectionAssert.AreEqual(withMetadata, WriteToBytes([], new Dictionary<string, string> { ["framework"] = "pt" }));
    }

    [TestMethod]
    public void DataOrderIsAlignmentDescendingThenName()
    {
        // Rust Dtype declaration order (increasing alignment): BOOL U8 I8 .. I16 .. F16 BF16 I32 .. F32 F64 I64.
        using var scope = torch.NewDisposeScope();
        var tensors = new[]
        {
            ("b_bool", torch.ScalarType.Bool), ("u8", torch.ScalarType.Byte), ("i8", torch.ScalarType.Int8),
            ("i16", torch.ScalarType.Int16), ("f16", torch.ScalarType.Float16), ("bf16", torch.ScalarType.BFloat16),
            ("i32", torch.ScalarType.Int32), ("f32", torch.ScalarType.Float32), ("f64", torch.ScalarType.Float64),
            ("i64", torch.ScalarType.Int64), ("a_i64", torch.ScalarType.Int64),
        }.Select(p => KeyValuePair.Create(p.Item1, torch.zeros(1, p.Item2))).ToList();

        string header = Encoding.UTF8.GetString(WriteToBytes(tensors, null).AsSpan(8)).TrimEnd(' ', '\0');
        int[] positions = new[] { "a_i64", "i64", "f64", "f32", "i32", "bf16", "f16", "i16", "i8", "u8", "b_bool" }
            .Select(name => header.IndexOf($"\"{name}\"", StringComparison.Ordinal)).ToArray();

        CollectionAssert.AreEqual(positions.Order().ToArray(), positions, header);
    }

    [TestMethod]
    public void NamesAreOrderedByCodePointLikeRustStrings()
    {
        // U+FF5E sorts before U+1F600 by code point (and UTF-8 bytes), after it by UTF-16 code unit.
        using var scope = torch.NewDisposeScope();
        var tensors = new[] { "\U0001F600", "\uFF5E", "Z", "a" }.Select(n => KeyValuePair.Create(n, torch.zeros(1))).ToList();

        using var directory = new TemporaryDirectory();
        string path = directory.File("order.safetensors");
        SafetensorsWriter.Write(path, tensors);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        CollectionAssert.AreEqual(new[] { "Z", "a", "\uFF5E", "\U0001F600" }, file.Tensors.Select(t => t.Name).ToArray());
    }

    [TestMethod]
    public void ControlCharactersAreEscapedLikeSerdeJson()
    {
        using torch.Tensor value = torch.zeros(1, torch.ScalarType.Byte);
        byte[] bytes = WriteToBytes([KeyValuePair.Create("a\"b\\c\n\u0001\u007f/é", value)], null);

        string header = Encoding.UTF8.GetString(bytes.AsSpan(8)).TrimEnd(' ');
        StringAssert.StartsWith(header, "{\"a\\\"b\\\\c\\n\\u0001\u007f/é\":{");
    }

    private static byte[] WriteToBytes(IEnumerable<KeyValuePair<string, torch.Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var memory = new MemoryStream();
        SafetensorsWriter.Write(memory, tensors, metadata);
        return memory.ToArray();
    }

    /// <summary>Whether the golden header has a __metadata__ key at all (model files do, inputs/expected may not).</summary>
    private static bool HasMetadataKey(string path) =>
        Encoding.UTF8.GetString(File.ReadAllBytes(path).AsSpan(8, (int)SafetensorsFile.ReadHeader(path).HeaderByteLength))
            .Contains("\"__metadata__\"", StringComparison.Ordinal);
}
