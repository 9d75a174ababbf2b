using Microsoft.ML.Blip2.IO;
using TorchSharp;

namespace Microsoft.ML.Blip2.Tests.IO;

[TestClass]
public sealed class SafetensorsRoundTripTests
{
    public static IEnumerable<object[]> AllDTypes => Enum.GetValues<SafetensorsDType>().Select(d => new object[] { d });

    [TestMethod]
    [DynamicData(nameof(AllDTypes))]
    public void EveryDTypeRoundTripsWithShapeAndBytes(SafetensorsDType dtype)
    {
        using var directory = new TemporaryDirectory();
        using var scope = torch.NewDisposeScope();
        var random = new Random(1234 + (int)dtype);
        var tensors = new Dictionary<string, torch.Tensor>
        {
            ["matrix"] = RandomTensor(dtype, [3, 5], random),
            ["scalar"] = RandomTensor(dtype, [], random),
            ["empty"] = RandomTensor(dtype, [0, 4], random),
            ["cube"] = RandomTensor(dtype, [2, 1, 3], random),
        };
        string path = directory.File("t.safetensors");

        SafetensorsWriter.Write(path, tensors);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.HasCount(4, file.Tensors);
        foreach ((string name, torch.Tensor expected) in tensors)
        {
            SafetensorsTensorInfo info = file.GetInfo(name);
            Assert.AreEqual(dtype, info.DType, name);
            CollectionAssert.AreEqual(expected.shape, info.Shape.ToArray(), name);
            foreach (torch.Tensor loaded in new[] { file.LoadTensor(name), file.LoadTensorCopy(name) })
            {
                Assert.AreEqual(expected.dtype, loaded.dtype, name);
                CollectionAssert.AreEqual(expected.shape, loaded.shape, name);
                CollectionAssert.AreEqual(expected.bytes.ToArray(), loaded.bytes.ToArray(), $"{name} bytes");
            }

            CollectionAssert.AreEqual(expected.bytes.ToArray(), file.GetBytes(name).ToArray(), $"{name} raw bytes");
        }
    }

    [TestMethod]
    public void ZeroDimensionalTensorHasEmptyShapeAndOneElement()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("scalar.safetensors");
        using (torch.Tensor scalar = torch.tensor(3.25f))
        {
            SafetensorsWriter.Write(path, [KeyValuePair.Create("s", scalar)]);
        }

        using SafetensorsFile file = SafetensorsFile.Open(path);
        SafetensorsTensorInfo info = file.GetInfo("s");
        Assert.IsEmpty(info.Shape);
        Assert.AreEqual(1L, info.ElementCount);
        Assert.AreEqual(4L, info.ByteLength);
        using torch.Tensor loaded = file.LoadTensor("s");
        Assert.AreEqual(0L, loaded.dim());
        Assert.AreEqual(3.25f, loaded.item<float>());
    }

    [TestMethod]
    public void HalfAndBFloat16BitPatternsArePreserved()
    {
        // Signed zeros, subnormals, infinities and NaNs with payloads must survive unchanged (no float round trip).
        ushort[] patterns = [0x0000, 0x8000, 0x0001, 0x03FF, 0x3C00, 0x7BFF, 0x7C00, 0xFC00, 0x7C01, 0x7E00, 0xFFFF, 0x7F80, 0xFF81, 0x7FC1];
        byte[] raw = patterns.SelectMany(BitConverter.GetBytes).ToArray();
        using var directory = new TemporaryDirectory();
        string path = directory.File("bits.safetensors");
        using var scope = torch.NewDisposeScope();
        torch.Tensor half = torch.empty(patterns.Length, torch.ScalarType.Float16);
        half.bytes = raw;
        torch.Tensor bfloat = torch.empty(patterns.Length, torch.ScalarType.BFloat16);
        bfloat.bytes = raw;

        SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["h"] = half, ["b"] = bfloat });

        using SafetensorsFile file = SafetensorsFile.Open(path);
        CollectionAssert.AreEqual(raw, file.GetBytes("h").ToArray());
        CollectionAssert.AreEqual(raw, file.GetBytes("b").ToArray());
        CollectionAssert.AreEqual(raw, file.LoadTensor("h").bytes.ToArray());
        CollectionAssert.AreEqual(raw, file.LoadTensorCopy("b").bytes.ToArray());
        Assert.AreEqual(torch.ScalarType.BFloat16, file.LoadTensor("b").dtype);
    }

    [TestMethod]
    public void MetadataRoundTrips()
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["quote\"and\\slash"] = "line\nbreak\ttab\u0001",
            ["unicode ✓ 😀"] = "ünïcödé",
            ["empty"] = "",
        };
        using var directory = new TemporaryDirectory();
        string path = directory.File("meta.safetensors");
        using torch.Tensor tensor = torch.ones(2);

        SafetensorsWriter.Write(path, [KeyValuePair.Create("x", tensor)], metadata);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        CollectionAssert.AreEquivalent(metadata.ToArray(), file.Metadata.ToArray());
    }

    [TestMethod]
    public void NoMetadataMeansNoMetadataKeyAndEmptyMetadataMeansEmptyObject()
    {
        // As the Rust crate: None is skipped, Some({}) is written as "__metadata__":{}.
        using var directory = new TemporaryDirectory();
        using torch.Tensor tensor = torch.ones(1);
        string without = directory.File("none.safetensors"), empty = directory.File("empty.safetensors");

        SafetensorsWriter.Write(without, [KeyValuePair.Create("x", tensor)]);
        SafetensorsWriter.Write(empty, [KeyValuePair.Create("x", tensor)], new Dictionary<string, string>());

        StringAssert.StartsWith(HeaderText(without), "{\"x\":");
        StringAssert.StartsWith(HeaderText(empty), "{\"__metadata__\":{},\"x\":");
    }

    [TestMethod]
    public void NonContiguousTensorsAreWrittenInLogicalOrder()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("t.safetensors");
        using var scope = torch.NewDisposeScope();
        torch.Tensor matrix = torch.arange(6, torch.ScalarType.Int32).reshape(2, 3);
        torch.Tensor transposed = matrix.t();
        Assert.IsFalse(transposed.is_contiguous());

        SafetensorsWriter.Write(path, [KeyValuePair.Create("t", transposed)]);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        CollectionAssert.AreEqual(new long[] { 3, 2 }, file.GetInfo("t").Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 0, 3, 1, 4, 2, 5 }, file.LoadTensor("t").data<int>().ToArray());
    }

    [TestMethod]
    public void StreamOverloadWritesTheSameBytesAsThePathOverload()
    {
        using var directory = new TemporaryDirectory();
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, torch.Tensor> { ["a"] = torch.arange(5), ["b"] = torch.ones(2, 2) };
        string path = directory.File("p.safetensors");
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        using var memory = new MemoryStream();

        SafetensorsWriter.Write(memory, tensors, new Dictionary<string, string> { ["format"] = "pt" });

        CollectionAssert.AreEqual(File.ReadAllBytes(path), memory.ToArray());
    }

    [TestMethod]
    public void WriterRejectsDuplicateReservedAndUnsupportedTensors()
    {
        using var directory = new TemporaryDirectory();
        using var scope = torch.NewDisposeScope();
        string path = directory.File("x.safetensors");
        torch.Tensor ok = torch.ones(1);

        Assert.ThrowsExactly<ArgumentException>(() => SafetensorsWriter.Write(path, [KeyValuePair.Create("a", ok), KeyValuePair.Create("a", ok)]));
        Assert.ThrowsExactly<ArgumentException>(() => SafetensorsWriter.Write(path, [KeyValuePair.Create("__metadata__", ok)]));
        Assert.ThrowsExactly<ArgumentException>(() => SafetensorsWriter.Write(path, [KeyValuePair.Create("c", torch.ones(2, torch.ScalarType.ComplexFloat32))]));
        Assert.ThrowsExactly<ArgumentException>(() => SafetensorsWriter.Write(path, [KeyValuePair.Create("bad\ud800", ok)]));
        Assert.IsFalse(File.Exists(path), "nothing may be written when the input is rejected");
        Assert.IsEmpty(Directory.GetFiles(directory.Path), "no temporary file may be left behind");
    }

    [TestMethod]
    public void FailedWriteLeavesThePreviousFileAndNoTemporaryFile()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("x.safetensors");
        File.WriteAllBytes(path, [42]);
        using var scope = torch.NewDisposeScope();
        torch.Tensor tensor = torch.ones(4);
        IEnumerable<KeyValuePair<string, torch.Tensor>> Throwing()
        {
            yield return KeyValuePair.Create("a", tensor);
            throw new InvalidOperationException("producer failed");
        }

        Assert.ThrowsExactly<InvalidOperationException>(() => SafetensorsWriter.Write(path, Throwing()));

        CollectionAssert.AreEqual(new byte[] { 42 }, File.ReadAllBytes(path));
        Assert.HasCount(1, Directory.GetFiles(directory.Path));
    }

    [TestMethod]
    public void FailedRenameRemovesTheTemporaryFile()
    {
        // The destination is a directory, so the final rename fails after the data has been written.
        using var directory = new TemporaryDirectory();
        string destination = directory.File("occupied");
        Directory.CreateDirectory(destination);
        using torch.Tensor tensor = torch.ones(4);

        Assert.Throws<Exception>(() => SafetensorsWriter.Write(destination, [KeyValuePair.Create("a", tensor)]));

        Assert.IsEmpty(Directory.GetFiles(directory.Path));
    }

    private static string HeaderText(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int length = (int)BitConverter.ToUInt64(bytes, 0);
        return System.Text.Encoding.UTF8.GetString(bytes, 8, length);
    }

    /// <summary>Random bytes reinterpreted as the dtype (0/1 for BOOL), so every bit pattern is exercised.</summary>
    private static torch.Tensor RandomTensor(SafetensorsDType dtype, long[] shape, Random random)
    {
        torch.Tensor tensor = torch.empty(shape, dtype.ToScalarType());
        long count = shape.Aggregate(1L, (a, b) => a * b);
        byte[] bytes = new byte[count * dtype.GetItemSize()];
        random.NextBytes(bytes);
        if (dtype == SafetensorsDType.BOOL)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] &= 1;
            }
        }

        if (bytes.Length > 0)
        {
            tensor.bytes = bytes;
        }

        return tensor;
    }
}
