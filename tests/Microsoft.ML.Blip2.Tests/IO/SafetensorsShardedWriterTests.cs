using System.Text;
using Microsoft.ML.Blip2.IO;
using TorchSharp;

namespace Microsoft.ML.Blip2.Tests.IO;

[TestClass]
public sealed class SafetensorsShardedWriterTests
{
    [TestMethod]
    public void ShardingFollowsTheHuggingFaceDocstringExample()
    {
        // huggingface_hub docstring: limit 10, sizes [6, 6, 2, 6, 2, 2] -> [6], [6+2], [6+2+2].
        using var directory = new TemporaryDirectory();
        using var scope = torch.NewDisposeScope();
        var tensors = new[] { 6, 6, 2, 6, 2, 2 }.Select((size, i) => KeyValuePair.Create($"t{i}", torch.zeros(size, torch.ScalarType.Byte))).ToList();

        SafetensorsShardedWriter.Write(directory.Path, tensors, maxShardBytes: 10);

        using SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.Open(directory.Path);
        string[][] shards = checkpoint.Files.Select(f => f.Tensors.Select(t => t.Name).Order().ToArray()).ToArray();
        Assert.HasCount(3, shards);
        CollectionAssert.AreEqual(new[] { "t0" }, shards[0]);
        CollectionAssert.AreEqual(new[] { "t1", "t2" }, shards[1]);
        CollectionAssert.AreEqual(new[] { "t3", "t4", "t5" }, shards[2]);
        CollectionAssert.AreEqual(
            new[] { "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors" },
            checkpoint.Files.Select(f => Path.GetFileName(f.Path)).ToArray());
        Assert.AreEqual(24L, checkpoint.IndexTotalSize);
    }

    [TestMethod]
    public void OversizedTensorGetsItsOwnShardAheadOfTheOneBeingFilled()
    {
        // Greedy as huggingface_hub: 3 starts a shard, 20 > 10 is appended at once, 4 joins 3.
        using var directory = new TemporaryDirectory();
        using var scope = torch.NewDisposeScope();
        var tensors = new[] { ("small", 3), ("huge", 20), ("medium", 4) }
            .Select(p => KeyValuePair.Create(p.Item1, torch.zeros(p.Item2, torch.ScalarType.Byte))).ToList();

        SafetensorsShardedWriter.Write(directory.Path, tensors, maxShardBytes: 10);

        using SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.Open(directory.Path);
        Assert.HasCount(2, checkpoint.Files);
        CollectionAssert.AreEqual(new[] { "huge" }, checkpoint.Files[0].Tensors.Select(t => t.Name).ToArray());
        CollectionAssert.AreEquivalent(new[] { "small", "medium" }, checkpoint.Files[1].Tensors.Select(t => t.Name).ToArray());
    }

    [TestMethod]
    public void GoldenShardedCheckpointIsReproducedByteForByte()
    {
        // The golden model was saved with max_shard_size 73706 (case.json). The state-dict order is not stored, but
        // any order that puts shard 1's tensors first and then a shard-2 tensor too large for shard 1's remaining
        // room gives the same split; each file's bytes do not depend on the input order.
        string source = GoldenData.PathOf("opt_fp16_sharded", "model");
        using var directory = new TemporaryDirectory();
        using (var scope = torch.NewDisposeScope())
        using (SafetensorsCheckpoint golden = SafetensorsCheckpoint.Open(source))
        {
            SafetensorsFile first = golden.Files[0], second = golden.Files[1];
            long room = 73706 - first.Tensors.Sum(t => t.ByteLength);
            SafetensorsTensorInfo opener = second.Tensors.First(t => t.ByteLength > room);
            IEnumerable<SafetensorsTensorInfo> order = first.Tensors.Append(opener).Concat(second.Tensors.Where(t => t != opener));
            var tensors = order.Select(t => KeyValuePair.Create(t.Name, golden.LoadTensor(t.Name))).ToList();

            SafetensorsShardedWriter.Write(directory.Path, tensors, 73706, golden.Metadata);
        }

        foreach (string name in new[] { "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json" })
        {
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(source, name)), File.ReadAllBytes(directory.File(name)), name);
        }

        Assert.HasCount(3, Directory.GetFiles(directory.Path));
    }

    [TestMethod]
    public void EverythingThatFitsGoesToModelSafetensorsAndStaleShardsAreRemoved()
    {
        using var directory = new TemporaryDirectory();
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, torch.Tensor> { ["a"] = torch.arange(10), ["b"] = torch.ones(3, 3) };
        SafetensorsShardedWriter.Write(directory.Path, tensors, maxShardBytes: 100);
        Assert.IsTrue(File.Exists(directory.File("model.safetensors.index.json")), "setup: first save is sharded");
        File.WriteAllText(directory.File("config.json"), "{}");

        SafetensorsShardedWriter.Write(directory.Path, tensors, maxShardBytes: 1_000_000, new Dictionary<string, string> { ["format"] = "pt" });

        CollectionAssert.AreEquivalent(new[] { "config.json", "model.safetensors" }, Directory.GetFiles(directory.Path).Select(Path.GetFileName).ToArray());
        using SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.Open(directory.Path);
        Assert.AreEqual("pt", checkpoint.Metadata["format"]);
        foreach ((string name, torch.Tensor expected) in tensors)
        {
            TensorAssert.AreIdentical(expected, checkpoint.LoadTensor(name), name);
        }
    }

    [TestMethod]
    public void ShardedSaveReplacesAStaleSingleFileAndReadsBack()
    {
        using var directory = new TemporaryDirectory();
        using var scope = torch.NewDisposeScope();
        var tensors = Enumerable.Range(0, 5).Select(i => KeyValuePair.Create($"w.{i}", torch.full(4, i, torch.ScalarType.Float32))).ToList();
        SafetensorsShardedWriter.Write(directory.Path, tensors, maxShardBytes: 1000);
        Assert.IsTrue(File.Exists(directory.File("model.safetensors")), "setup: first save is a single file");

        SafetensorsShardedWriter.Write(directory.Path, tensors, maxShardBytes: 40);

        Assert.IsFalse(File.Exists(directory.File("model.safetensors")));
        using SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.Open(directory.Path);
        Assert.HasCount(3, checkpoint.Files);
        foreach ((string name, torch.Tensor expected) in tensors)
        {
            TensorAssert.AreIdentical(expected, checkpoint.LoadTensor(name), name);
        }

        string index = File.ReadAllText(directory.File("model.safetensors.index.json"), Encoding.UTF8);
        StringAssert.StartsWith(index, "{\n  \"metadata\": {\n    \"total_size\": 80\n  },\n  \"weight_map\": {\n    \"w.0\": \"model-00001-of-00003.safetensors\",\n");
        StringAssert.EndsWith(index, "\"w.4\": \"model-00003-of-00003.safetensors\"\n  }\n}\n");
    }

    [TestMethod]
    public void IndexEscapesNonAsciiLikePythonJsonDumps()
    {
        using var directory = new TemporaryDirectory();
        using var scope = torch.NewDisposeScope();
        var tensors = new[] { "é", "\U0001F600" }.Select(n => KeyValuePair.Create(n, torch.zeros(2, torch.ScalarType.Byte))).ToList();

        SafetensorsShardedWriter.Write(directory.Path, tensors, maxShardBytes: 2);

        string index = File.ReadAllText(directory.File("model.safetensors.index.json"));
        // json.dumps(..., indent=2, sort_keys=True): code-point order, \u escapes, surrogate pairs for astral chars.
        StringAssert.Contains(index, "    \"\\u00e9\": \"model-00001-of-00002.safetensors\",\n    \"\\ud83d\\ude00\": \"model-00002-of-00002.safetensors\"\n");
    }
}
