using System.Text;
using Microsoft.ML.Blip2.IO;
using TorchSharp;

namespace Microsoft.ML.Blip2.Tests.IO;

[TestClass]
public sealed class SafetensorsCheckpointTests
{
    [TestMethod]
    public void GoldenShardedCheckpointHoldsTheFloat16ValuesOfTheFloat32Model()
    {
        // README: opt_fp16_sharded holds the same weights as opt, stored as F16 in 2 shards.
        using SafetensorsCheckpoint sharded = SafetensorsCheckpoint.Open(GoldenData.PathOf("opt_fp16_sharded", "model"));
        using SafetensorsCheckpoint full = SafetensorsCheckpoint.Open(GoldenData.PathOf("opt", "model"));

        Assert.HasCount(2, sharded.Files);
        Assert.AreEqual("model-00001-of-00002.safetensors", Path.GetFileName(sharded.Files[0].Path));
        Assert.IsNotNull(sharded.IndexPath);
        Assert.HasCount(123, sharded.Names);
        CollectionAssert.AreEqual(full.Names.ToArray(), sharded.Names.ToArray());
        Assert.AreEqual("pt", sharded.Metadata["format"]);
        Assert.AreEqual(sharded.Names.Sum(n => sharded.GetInfo(n).ByteLength), sharded.IndexTotalSize);
        foreach (string name in sharded.Names)
        {
            using var scope = torch.NewDisposeScope();
            torch.Tensor half = sharded.LoadTensor(name);
            torch.Tensor expected = full.LoadTensor(name).to(torch.ScalarType.Float16);
            Assert.AreEqual(torch.ScalarType.Float16, half.dtype, name);
            CollectionAssert.AreEqual(expected.bytes.ToArray(), half.bytes.ToArray(), name);
        }
    }

    [TestMethod]
    public void SingleFileCheckpointOpensFromDirectoryOrFile()
    {
        string directory = GoldenData.PathOf("opt", "model");
        using SafetensorsCheckpoint fromDirectory = SafetensorsCheckpoint.Open(directory);
        using SafetensorsCheckpoint fromFile = SafetensorsCheckpoint.Open(Path.Combine(directory, "model.safetensors"));

        Assert.IsNull(fromDirectory.IndexPath);
        Assert.HasCount(1, fromDirectory.Files);
        Assert.AreEqual(directory, fromFile.Directory);
        CollectionAssert.AreEqual(fromDirectory.Names.ToArray(), fromFile.Names.ToArray());
        Assert.IsTrue(fromFile.TryGetInfo("language_model.model.decoder.embed_tokens.weight", out SafetensorsTensorInfo? info));
        Assert.AreEqual(SafetensorsDType.F32, info.DType);
        Assert.IsFalse(fromFile.Contains("language_model.lm_head.weight"), "tied weight is not stored");
        var missing = Assert.ThrowsExactly<SafetensorsException>(() => fromFile.LoadTensor("language_model.lm_head.weight"));
        Assert.AreEqual("language_model.lm_head.weight", missing.TensorName);
    }

    [TestMethod]
    public void IndexFileCanBeOpenedDirectly()
    {
        string index = GoldenData.PathOf("opt_fp16_sharded", "model", "model.safetensors.index.json");
        using SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.Open(index);

        Assert.AreEqual(index, checkpoint.IndexPath);
        Assert.HasCount(123, checkpoint.Names);
    }

    [TestMethod]
    [DataRow("pytorch_model.bin")]
    [DataRow("pytorch_model.bin.index.json")]
    [DataRow("weights.pt")]
    [DataRow("model.ckpt")]
    public void PickleOnlyDirectoryIsRefusedWithAnExplanation(string pickleName)
    {
        using var directory = new TemporaryDirectory();
        // A pickle that would run code if it were ever unpickled: the loader must not even read it.
        File.WriteAllBytes(directory.File(pickleName), [0x80, 0x02, (byte)'c', (byte)'o', (byte)'s', (byte)'\n']);
        File.WriteAllText(directory.File("config.json"), "{}");

        var error = Assert.ThrowsExactly<SafetensorsException>(() => SafetensorsCheckpoint.Open(directory.Path));

        Assert.AreEqual(directory.Path, error.FilePath);
        StringAssert.Contains(error.Message, pickleName);
        StringAssert.Contains(error.Message, "never loaded");
        StringAssert.Contains(error.Message, "safe_serialization=True");
        StringAssert.Contains(error.Message, "model.safetensors");
    }

    [TestMethod]
    public void PicklePathIsRefusedWithAnExplanation()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("pytorch_model.bin");
        File.WriteAllBytes(path, [0x80, 0x02]);

        var error = Assert.ThrowsExactly<SafetensorsException>(() => SafetensorsCheckpoint.Open(path));

        StringAssert.Contains(error.Message, "safe_serialization=True");
    }

    [TestMethod]
    public void DirectoryWithoutWeightsIsRefused()
    {
        using var directory = new TemporaryDirectory();
        var error = Assert.ThrowsExactly<SafetensorsException>(() => SafetensorsCheckpoint.Open(directory.Path));
        StringAssert.Contains(error.Message, "model.safetensors.index.json");
        Assert.ThrowsExactly<FileNotFoundException>(() => SafetensorsCheckpoint.Open(directory.File("absent")));
    }

    public static IEnumerable<object?[]> BadIndexes =>
    [
        // case, index JSON (shards a.safetensors = {x, y} and b.safetensors = {z} exist), tensor named in the error
        ["not JSON", "{", null],
        ["not an object", "[]", null],
        ["no weight_map", """{"metadata":{}}""", null],
        ["weight_map not an object", """{"weight_map":["a.safetensors"]}""", null],
        ["weight_map value not a string", """{"weight_map":{"x":1,"y":"a.safetensors","z":"b.safetensors"}}""", "x"],
        ["duplicate weight_map entry", """{"weight_map":{"x":"a.safetensors","x":"a.safetensors","y":"a.safetensors","z":"b.safetensors"}}""", "x"],
        ["duplicate weight_map key", """{"weight_map":{},"weight_map":{}}""", null],
        ["absolute shard path", """{"weight_map":{"x":"/etc/passwd","y":"a.safetensors","z":"b.safetensors"}}""", "x"],
        ["parent shard path", """{"weight_map":{"x":"../a.safetensors","y":"a.safetensors","z":"b.safetensors"}}""", "x"],
        ["nested parent shard path", """{"weight_map":{"x":"sub/../../a.safetensors","y":"a.safetensors","z":"b.safetensors"}}""", "x"],
        ["backslash shard path", """{"weight_map":{"x":"..\\a.safetensors","y":"a.safetensors","z":"b.safetensors"}}""", "x"],
        ["missing shard file", """{"weight_map":{"x":"a.safetensors","y":"a.safetensors","z":"c.safetensors"}}""", null],
        ["tensor mapped to a shard without it", """{"weight_map":{"x":"a.safetensors","y":"b.safetensors","z":"b.safetensors"}}""", "y"],
        ["tensor missing from every shard", """{"weight_map":{"x":"a.safetensors","y":"a.safetensors","z":"b.safetensors","w":"b.safetensors"}}""", "w"],
        ["stored tensor absent from weight_map", """{"weight_map":{"x":"a.safetensors","z":"b.safetensors"}}""", "y"],
    ];

    public static string CaseName(System.Reflection.MethodInfo _, object?[] data) => (string)data[0]!;

    [TestMethod]
    [DynamicData(nameof(BadIndexes), DynamicDataDisplayName = nameof(CaseName))]
    public void InvalidIndexIsRejected(string caseName, string indexJson, string? tensor)
    {
        using var directory = new TemporaryDirectory();
        WriteShards(directory);
        string index = directory.File("model.safetensors.index.json");
        File.WriteAllText(index, indexJson);

        var error = Assert.ThrowsExactly<SafetensorsException>(() => SafetensorsCheckpoint.Open(directory.Path), caseName);

        Assert.AreEqual(index, error.FilePath, $"{caseName}: {error.Message}");
        Assert.AreEqual(tensor, error.TensorName, $"{caseName}: {error.Message}");
    }

    [TestMethod]
    public void TensorStoredInTwoShardsIsRejected()
    {
        using var directory = new TemporaryDirectory();
        WriteShards(directory);
        using (torch.Tensor again = torch.ones(1))
        {
            SafetensorsWriter.Write(directory.File("b.safetensors"), new Dictionary<string, torch.Tensor> { ["z"] = again, ["x"] = again });
        }

        File.WriteAllText(directory.File("model.safetensors.index.json"), """{"weight_map":{"x":"a.safetensors","y":"a.safetensors","z":"b.safetensors"}}""");

        var error = Assert.ThrowsExactly<SafetensorsException>(() => SafetensorsCheckpoint.Open(directory.Path));
        Assert.AreEqual("x", error.TensorName);
        StringAssert.Contains(error.Message, "two shards");
    }

    [TestMethod]
    public void ValidHandWrittenIndexWithSubdirectoryShardOpens()
    {
        using var directory = new TemporaryDirectory();
        WriteShards(directory);
        Directory.CreateDirectory(directory.File("sub"));
        File.Move(directory.File("b.safetensors"), directory.File(Path.Combine("sub", "b.safetensors")));
        File.WriteAllText(directory.File("model.safetensors.index.json"), """{"metadata":{"total_size":"ignored"},"weight_map":{"x":"a.safetensors","y":"a.safetensors","z":"sub/b.safetensors"}}""");

        using SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.Open(directory.Path);

        CollectionAssert.AreEqual(new[] { "x", "y", "z" }, checkpoint.Names.ToArray());
        Assert.IsNull(checkpoint.IndexTotalSize);
        using torch.Tensor z = checkpoint.LoadTensor("z");
        Assert.AreEqual(7L, z.item<long>());
    }

    private static void WriteShards(TemporaryDirectory directory)
    {
        using var scope = torch.NewDisposeScope();
        SafetensorsWriter.Write(directory.File("a.safetensors"), new Dictionary<string, torch.Tensor> { ["x"] = torch.ones(2), ["y"] = torch.zeros(3) });
        SafetensorsWriter.Write(directory.File("b.safetensors"), new Dictionary<string, torch.Tensor> { ["z"] = torch.tensor(7L) });
    }
}
