using System.Runtime.InteropServices;
using TorchSharp;

namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// The two LibTorchSharp exports that TorchSharp 0.107 does not surface publicly: tensor creation over foreign
/// memory with a deleter (<c>torch::from_blob</c>) and the data pointer of a tensor.
/// </summary>
internal static unsafe class NativeTorch
{
    private const string Library = "LibTorchSharp";

    /// <summary>
    /// <c>THSTensor_new(void* data, void (*deleter)(void*), const int64_t* sizes, int szlength, int8_t scalar_type,
    /// int8_t dtype, int device_type, int device_index, bool requires_grad)</c> in
    /// <c>src/Native/LibTorchSharp/THSTensor.cpp</c>. With <c>dtype == scalar_type</c> and CPU it wraps the memory
    /// without copying; <c>deleter(data)</c> runs when the storage is freed. Returns null on error.
    /// </summary>
    [DllImport(Library, EntryPoint = "THSTensor_new")]
    private static extern nint THSTensor_new(
        void* data,
        delegate* unmanaged[Cdecl]<nint, void> deleter,
        long* sizes,
        int dimensionCount,
        sbyte scalarType,
        sbyte dtype,
        int deviceType,
        int deviceIndex,
        byte requiresGrad);

    /// <summary><c>void* THSTensor_data(Tensor)</c>: address of the first element (storage offset applied).</summary>
    [DllImport(Library, EntryPoint = "THSTensor_data")]
    private static extern nint THSTensor_data(nint tensor);

    /// <summary>Wraps CPU memory as a tensor without copying; <paramref name="deleter"/> receives <paramref name="data"/>.</summary>
    internal static torch.Tensor FromBlob(void* data, long[] shape, torch.ScalarType type, delegate* unmanaged[Cdecl]<nint, void> deleter)
    {
        EnsureInitialized();
        nint handle;
        fixed (long* sizes = shape)
        {
            handle = THSTensor_new(data, deleter, sizes, shape.Length, (sbyte)type, (sbyte)type, (int)DeviceType.CPU, -1, 0);
        }

        if (handle == 0)
        {
            torch.CheckForErrors();
            throw new InvalidOperationException("LibTorchSharp THSTensor_new returned no tensor and no error.");
        }

        return torch.Tensor.UnsafeCreateTensor(handle);
    }

    /// <summary>Address of the first element of a CPU tensor.</summary>
    internal static nint DataPointer(torch.Tensor tensor) => THSTensor_data(tensor.Handle);

    /// <summary>Loads libtorch through TorchSharp before the first direct call into LibTorchSharp.</summary>
    private static void EnsureInitialized() => torch.InitializeDeviceType(DeviceType.CPU);
}
