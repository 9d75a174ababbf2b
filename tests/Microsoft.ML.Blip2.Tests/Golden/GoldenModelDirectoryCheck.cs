using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.IO;
using TorchSharp;

namespace Microsoft.ML.Blip2.Tests.Golden;

/// <summary>
/// Loads a golden model directory with the library (configs and every weight, sharded or not) and checks the tensor
/// count, names, shapes and dtypes against an independent reading of the safetensors headers and against case.json.
/// </summary>
public static class GoldenModelDirectoryCheck
{
    /// <summary>Runs the check for the model <paramref name="modelKey"/> of a case.</summary>
    public static void Run(GoldenCase goldenCase, string modelKey)
    {
        var (_, dir) = goldenCase.ModelDirectories.Single(m => m.Key == modelKey);
        Assert.IsTrue(Directory.Exists(dir), $"model directory {dir} is missing");

        var config = AutoConfig.FromDirectory(dir); // throws naming the file when config.json does not parse
        Assert.IsNotNull(config.ModelType, $"{dir}: config has no model_type");
        if (File.Exists(Path.Combine(dir, GenerationConfig.FileName)))
            GenerationConfig.FromDirectory(dir);

        var fromHeaders = ReadHeadersIndependently(dir);
        using var checkpoint = SafetensorsCheckpoint.Open(dir);
        var names = checkpoint.Names.OrderBy(n => n, StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(fromHeaders.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList(), names,
            $"{goldenCase.Name}/{modelKey}: tensor names differ from the safetensors headers");

        long? expectedCount = ExpectedTensorCount(goldenCase, modelKey);
        if (expectedCount is not null)
            Assert.AreEqual(expectedCount.Value, (long)names.Count, $"{goldenCase.Name}/{modelKey}: num_tensors_in_files");

        foreach (string name in names)
        {
            var (dtype, shape) = fromHeaders[name];
            var info = checkpoint.GetInfo(name);
            Assert.AreEqual(dtype, info.DType.ToString(), $"{name}: dtype");
            CollectionAssert.AreEqual(shape, info.Shape.ToArray(), $"{name}: shape");
            using var tensor = checkpoint.LoadTensor(name);
            CollectionAssert.AreEqual(shape, tensor.shape, $"{name}: loaded tensor shape");
            Assert.AreEqual(ExpectedScalarType(dtype), tensor.dtype, $"{name}: loaded tensor dtype");
        }
        Console.WriteLine($"{goldenCase.Name}/{modelKey}: {names.Count} tensors in {fromHeaders.Values.Count} entries checked");
    }

    private static long? ExpectedTensorCount(GoldenCase goldenCase, string modelKey)
    {
        if (goldenCase.Json.TryGetProperty("models", out var models)
            && models.TryGetProperty(modelKey, out var model)
            && model.TryGetProperty("num_tensors_in_files", out var n))
            return n.GetInt64();
        return null;
    }

    private static torch.ScalarType ExpectedScalarType(string dtype) => dtype switch
    {
        "F32" => torch.ScalarType.Float32,
        "F16" => torch.ScalarType.Float16,
        "BF16" => torch.ScalarType.BFloat16,
        "F64" => torch.ScalarType.Float64,
        "I64" => torch.ScalarType.Int64,
        "I32" => torch.ScalarType.Int32,
        "I16" => torch.ScalarType.Int16,
        "I8" => torch.ScalarType.Int8,
        "U8" => torch.ScalarType.Byte,
        "BOOL" => torch.ScalarType.Bool,
        _ => throw new InvalidDataException($"unexpected dtype {dtype}"),
    };

    /// <summary>Parses every *.safetensors header in the folder with plain JSON, independently of the library.</summary>
    private static Dictionary<string, (string DType, long[] Shape)> ReadHeadersIndependently(string dir)
    {
        var result = new Dictionary<string, (string, long[])>(StringComparer.Ordinal);
        Span<byte> lengthBytes = stackalloc byte[8];
        foreach (string file in Directory.GetFiles(dir, "*.safetensors"))
        {
            using var stream = File.OpenRead(file);
            stream.ReadExactly(lengthBytes);
            int length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes));
            var header = new byte[length];
            stream.ReadExactly(header);
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(header));
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__") continue;
                var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
                Assert.IsTrue(result.TryAdd(entry.Name, (entry.Value.GetProperty("dtype").GetString()!, shape)),
                    $"{entry.Name} appears in two files");
            }
        }
        return result;
    }
}
