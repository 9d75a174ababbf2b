using System.Runtime.InteropServices;
using Microsoft.ML.Blip2.IO;

namespace Microsoft.ML.Blip2.Tests.Processing.Images;

/// <summary>U8 / F32 arrays from a safetensors fixture, read with the library's validated reader.</summary>
internal sealed class FixtureTensorFile
{
    private readonly string _path;

    private FixtureTensorFile(string path) => _path = path;

    public static FixtureTensorFile Open(string path) => new(path);

    public bool Contains(string name)
    {
        using var file = SafetensorsFile.Open(_path);
        return file.Contains(name);
    }

    public long[] Shape(string name)
    {
        using var file = SafetensorsFile.Open(_path);
        return file.GetInfo(name).Shape.ToArray();
    }

    public byte[] U8(string name) => Read<byte>(name, SafetensorsDType.U8);

    public float[] F32(string name) => Read<float>(name, SafetensorsDType.F32);

    private T[] Read<T>(string name, SafetensorsDType dtype) where T : unmanaged
    {
        using var file = SafetensorsFile.Open(_path);
        var info = file.GetInfo(name);
        if (info.DType != dtype)
            throw new InvalidDataException($"Tensor '{name}' in {_path} is {info.DType}, expected {dtype}.");
        return MemoryMarshal.Cast<byte, T>(file.GetBytes(name)).ToArray();
    }
}
