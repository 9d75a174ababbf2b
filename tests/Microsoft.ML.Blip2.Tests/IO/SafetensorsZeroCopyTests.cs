using System.Runtime.CompilerServices;
using Microsoft.ML.Blip2.IO;
using TorchSharp;

namespace Microsoft.ML.Blip2.Tests.IO;

[TestClass]
public sealed unsafe class SafetensorsZeroCopyTests
{
    private const string Weight = "language_model.model.decoder.embed_tokens.weight";

    [TestMethod]
    public void LoadTensorPointsIntoTheMappedFile()
    {
        using SafetensorsFile file = SafetensorsFile.Open(GoldenData.PathOf("opt", "model", "model.safetensors"));
        SafetensorsTensorInfo info = file.GetInfo(Weight);

        using torch.Tensor tensor = file.LoadTensor(Weight);

        nint expected = (nint)(file.Region.Pointer + file.Header.DataSectionOffset + info.DataBegin);
        Assert.AreEqual(expected, NativeTorch.DataPointer(tensor));
        Assert.IsTrue(file.Region.Contains(NativeTorch.DataPointer(tensor), info.ByteLength));
        Assert.AreEqual(2, file.Region.ReferenceCount, "the file and the tensor");
        Assert.IsFalse(tensor.requires_grad);
    }

    [TestMethod]
    public void CopiesAndConversionsDoNotPointIntoTheMapping()
    {
        using SafetensorsFile file = SafetensorsFile.Open(GoldenData.PathOf("opt", "model", "model.safetensors"));
        long bytes = file.GetInfo(Weight).ByteLength;

        using torch.Tensor copy = file.LoadTensorCopy(Weight);
        using torch.Tensor converted = file.LoadTensor(Weight, torch.ScalarType.Float64);

        Assert.IsFalse(file.Region.Contains(NativeTorch.DataPointer(copy), bytes));
        Assert.IsFalse(file.Region.Contains(NativeTorch.DataPointer(converted), bytes * 2));
        Assert.AreEqual(torch.ScalarType.Float64, converted.dtype);
        Assert.AreEqual(1, file.Region.ReferenceCount, "temporary views used for the copies are released");
    }

    [TestMethod]
    public void DisposingTheFileFirstKeepsTensorDataValidUntilTheLastTensorIsFreed()
    {
        SafetensorsFile file = SafetensorsFile.Open(GoldenData.PathOf("opt", "model", "model.safetensors"));
        MappedFileRegion region = file.Region;
        using torch.Tensor expected = file.LoadTensorCopy(Weight);
        torch.Tensor zeroCopy = file.LoadTensor(Weight);
        torch.Tensor row = zeroCopy[3];

        file.Dispose();
        Assert.IsFalse(region.IsReleased, "live tensors keep the mapping");
        Assert.ThrowsExactly<ObjectDisposedException>(() => file.LoadTensor(Weight));
        TensorAssert.AreIdentical(expected, zeroCopy);

        zeroCopy.Dispose();
        Assert.IsFalse(region.IsReleased, "a view shares the storage");
        TensorAssert.AreIdentical(expected[3], row);

        row.Dispose();
        Assert.IsTrue(region.IsReleased, "the last storage user unmaps the file");
    }

    [TestMethod]
    public void DisposeScopeReleasesZeroCopyTensorsWithoutLeaks()
    {
        using SafetensorsFile file = SafetensorsFile.Open(GoldenData.PathOf("opt", "model", "model.safetensors"));
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (int round = 0; round < 20; round++)
        {
            using var scope = torch.NewDisposeScope();
            foreach (SafetensorsTensorInfo info in file.Tensors)
            {
                torch.Tensor tensor = file.LoadTensor(info.Name);
                Assert.AreEqual(info.ElementCount, tensor.numel());
            }

            Assert.AreEqual(1 + file.Tensors.Count, file.Region.ReferenceCount);
        }

        Assert.AreEqual(1, file.Region.ReferenceCount, "every zero-copy tensor returned its reference");
        Assert.AreEqual(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount, "no live tensor handles left");
    }

    [TestMethod]
    public void UndisposedZeroCopyTensorsReleaseTheMappingWhenFinalized()
    {
        // The deleter then runs on the finalizer thread; it must release the mapping without crashing.
        MappedFileRegion region = OpenAndAbandonTensors();

        for (int attempt = 0; attempt < 10 && !region.IsReleased; attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.IsTrue(region.IsReleased);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static MappedFileRegion OpenAndAbandonTensors()
    {
        using SafetensorsFile file = SafetensorsFile.Open(GoldenData.PathOf("opt", "model", "model.safetensors"));
        foreach (SafetensorsTensorInfo info in file.Tensors)
        {
            _ = file.LoadTensor(info.Name);
        }

        Assert.AreEqual(1 + file.Tensors.Count, file.Region.ReferenceCount);
        return file.Region;
    }

    [TestMethod]
    public void InPlaceWriteToAZeroCopyTensorNeverReachesTheFile()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("model.safetensors");
        File.Copy(GoldenData.PathOf("opt", "model", "model.safetensors"), path);
        byte[] before = File.ReadAllBytes(path);

        using (SafetensorsFile file = SafetensorsFile.Open(path))
        using (torch.Tensor tensor = file.LoadTensor(Weight))
        {
            tensor.add_(1.0f);
            Assert.AreEqual(file.GetBytes(Weight).Length, tensor.bytes.Length);
        }

        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
    }

    [TestMethod]
    public void ZeroElementTensorsAreOwnedCopies()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("empty.safetensors");
        using (torch.Tensor empty = torch.zeros(0, 3))
        {
            SafetensorsWriter.Write(path, [KeyValuePair.Create("e", empty)]);
        }

        using SafetensorsFile file = SafetensorsFile.Open(path);
        using torch.Tensor loaded = file.LoadTensor("e");

        CollectionAssert.AreEqual(new long[] { 0, 3 }, loaded.shape);
        Assert.AreEqual(1, file.Region.ReferenceCount);
    }

    [TestMethod]
    public void MisalignedDataIsCopiedNotWrapped()
    {
        // Header of 5 bytes + 8-byte prefix puts the data at an odd offset; an F32 there must not be wrapped.
        using var directory = new TemporaryDirectory();
        string path = directory.File("odd.safetensors");
        string header = """{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""";
        File.WriteAllBytes(path, RawSafetensors.Build(header + " ", BitConverter.GetBytes(1.5f)));
        Assert.AreNotEqual(0, (8 + header.Length + 1) % 4, "test setup: data must be misaligned");

        using SafetensorsFile file = SafetensorsFile.Open(path);
        using torch.Tensor loaded = file.LoadTensor("x");

        Assert.AreEqual(1.5f, loaded[0].item<float>());
        Assert.AreEqual(1, file.Region.ReferenceCount);
    }

    [TestMethod]
    public void Float16FileLoadsAsFloat32EqualToAManualUpcast()
    {
        using SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.Open(GoldenData.PathOf("opt_fp16_sharded", "model"));
        foreach (string name in checkpoint.Names)
        {
            SafetensorsFile file = checkpoint.GetFile(name);
            Assert.AreEqual(SafetensorsDType.F16, file.GetInfo(name).DType);
            float[] manual = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(file.GetBytes(name)).ToArray().Select(h => (float)h).ToArray();

            using torch.Tensor upcast = checkpoint.LoadTensor(name, torch.ScalarType.Float32);

            Assert.AreEqual(torch.ScalarType.Float32, upcast.dtype);
            CollectionAssert.AreEqual(file.GetInfo(name).Shape.ToArray(), upcast.shape, name);
            CollectionAssert.AreEqual(manual, upcast.data<float>().ToArray(), name);
        }
    }
}
