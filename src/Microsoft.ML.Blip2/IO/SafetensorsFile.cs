using System.Diagnostics.CodeAnalysis;
using TorchSharp;

namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// A memory-mapped, fully validated safetensors file. Tensors load either zero-copy over the mapping
/// (<see cref="LoadTensor"/>) or as owned copies (<see cref="LoadTensorCopy"/>).
/// </summary>
/// <remarks>
/// The mapping is copy-on-write and reference counted: disposing the file while zero-copy tensors are alive is
/// safe, the mapping stays until the last of them is freed. Pickle-based formats are never read.
/// </remarks>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private readonly MappedFileRegion region;
    private int disposed;

    private SafetensorsFile(string path, SafetensorsHeader header, MappedFileRegion region)
    {
        Path = path;
        Header = header;
        this.region = region;
    }

    /// <summary>Full path of the file.</summary>
    public string Path { get; }

    /// <summary>The validated header.</summary>
    public SafetensorsHeader Header { get; }

    /// <summary>The <c>__metadata__</c> string map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    /// <summary>Tensor entries sorted by data offset (see <see cref="SafetensorsHeader.Tensors"/>).</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors => Header.Tensors;

    /// <summary>The mapping, for lifetime checks in tests.</summary>
    internal MappedFileRegion Region => region;

    /// <summary>
    /// Opens, validates and memory-maps a safetensors file. Nothing is exposed unless the whole header is valid.
    /// </summary>
    /// <param name="path">Path of the <c>.safetensors</c> file.</param>
    /// <returns>The open file; dispose it when done.</returns>
    /// <exception cref="SafetensorsException">The file is malformed.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="PlatformNotSupportedException">The host is big-endian.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RequireLittleEndianHost();
        string fullPath = System.IO.Path.GetFullPath(path);
        FileStream stream = OpenStream(fullPath);
        try
        {
            SafetensorsHeader header = SafetensorsHeaderReader.Read(stream, fullPath);
            return new SafetensorsFile(fullPath, header, Map(stream, fullPath));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads and validates only the header, without mapping the file.</summary>
    /// <param name="path">Path of the <c>.safetensors</c> file.</param>
    /// <returns>The validated header.</returns>
    /// <exception cref="SafetensorsException">The file is malformed.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static SafetensorsHeader ReadHeader(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = System.IO.Path.GetFullPath(path);
        using FileStream stream = OpenStream(fullPath);
        return SafetensorsHeaderReader.Read(stream, fullPath);
    }

    /// <summary>Whether a tensor with this name exists.</summary>
    /// <param name="name">Tensor name.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Contains(string name) => Header.Contains(name);

    /// <summary>Looks a tensor entry up by name.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="info">The entry when found.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool TryGetInfo(string name, [MaybeNullWhen(false)] out SafetensorsTensorInfo info) => Header.TryGetInfo(name, out info);

    /// <summary>Looks a tensor entry up by name.</summary>
    /// <param name="name">Tensor name.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="SafetensorsException">No tensor has this name.</exception>
    public SafetensorsTensorInfo GetInfo(string name) => Header.GetInfo(name);

    /// <summary>
    /// The raw little-endian bytes of a tensor, straight from the mapping. The span is valid only until this file
    /// is disposed; copy it if it must outlive the file.
    /// </summary>
    /// <param name="name">Tensor name.</param>
    /// <returns>The tensor's bytes.</returns>
    /// <exception cref="SafetensorsException">No such tensor, or it is larger than 2 GiB (use <see cref="LoadTensor"/>).</exception>
    /// <exception cref="ObjectDisposedException">The file is disposed.</exception>
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        ThrowIfDisposed();
        SafetensorsTensorInfo info = GetInfo(name);
        if (info.ByteLength > int.MaxValue)
        {
            throw new SafetensorsException(Path, name, $"{info.ByteLength} bytes do not fit in a span; load it with LoadTensor instead.");
        }

        return new ReadOnlySpan<byte>(region.Pointer + Header.DataSectionOffset + info.DataBegin, (int)info.ByteLength);
    }

    /// <summary>
    /// Loads a tensor. When no conversion is requested (dtype null or equal to the stored one, device null or CPU)
    /// the result is a zero-copy view of the mapped file; otherwise it is a converted copy.
    /// </summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="dtype">Element type of the result; <see langword="null"/> keeps the stored one.</param>
    /// <param name="device">Device of the result; <see langword="null"/> means CPU.</param>
    /// <returns>
    /// A tensor the caller disposes (or leaves to a dispose scope). A zero-copy tensor keeps the mapping alive
    /// after this file is disposed. Writing into it changes a private copy-on-write page, never the file, but other
    /// zero-copy tensors of the same entry from this file see the change: use <see cref="LoadTensorCopy"/> for
    /// anything that will be modified (e.g. trained).
    /// </returns>
    /// <remarks>
    /// Zero-element tensors and data not aligned to its element size (possible only in hand-made files) are always
    /// copied.
    /// </remarks>
    /// <exception cref="SafetensorsException">No such tensor.</exception>
    /// <exception cref="ObjectDisposedException">The file is disposed.</exception>
    public torch.Tensor LoadTensor(string name, torch.ScalarType? dtype = null, torch.Device? device = null)
    {
        ThrowIfDisposed();
        SafetensorsTensorInfo info = GetInfo(name);
        torch.ScalarType stored = info.DType.ToScalarType();
        bool converts = (dtype is { } d && d != stored) || (device is not null && device.type != DeviceType.CPU);
        if (!converts && TryWrapZeroCopy(info) is { } view)
        {
            return view;
        }

        return LoadTensorCopy(name, dtype, device);
    }

    /// <summary>Loads a tensor into freshly allocated memory it owns, converted as requested.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="dtype">Element type of the result; <see langword="null"/> keeps the stored one.</param>
    /// <param name="device">Device of the result; <see langword="null"/> means CPU.</param>
    /// <returns>A new tensor independent of the file; the caller disposes it.</returns>
    /// <exception cref="SafetensorsException">No such tensor.</exception>
    /// <exception cref="ObjectDisposedException">The file is disposed.</exception>
    public torch.Tensor LoadTensorCopy(string name, torch.ScalarType? dtype = null, torch.Device? device = null)
    {
        ThrowIfDisposed();
        SafetensorsTensorInfo info = GetInfo(name);
        torch.ScalarType target = dtype ?? info.DType.ToScalarType();
        torch.Device targetDevice = device ?? torch.CPU;

        // Source: a temporary zero-copy view when possible (one copy in total), else raw bytes copied once.
        using torch.Tensor source = TryWrapZeroCopy(info) ?? CopyRaw(info);
        return source.to(target, targetDevice, copy: true);
    }

    /// <summary>
    /// Releases this file's reference to the mapping; it is unmapped once no zero-copy tensor uses it any more.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            region.Release();
        }
    }

    internal static void RequireLittleEndianHost()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors data is little-endian; big-endian hosts are not supported.");
        }
    }

    private static MappedFileRegion Map(FileStream stream, string fullPath)
    {
        long length = stream.Length;
        try
        {
            return MappedFileRegion.Map(stream);
        }
        catch (IOException e)
        {
            // Typically ENOMEM: a private writable mapping is charged against the kernel's commit limit.
            throw new SafetensorsException(fullPath, null,
                $"cannot memory-map the file copy-on-write ({e.Message}). The kernel charges such a mapping of {length} bytes "
                + "against its commit limit (RAM + swap under the default overcommit heuristic); add swap or use a machine with more memory.", e);
        }
    }

    private static FileStream OpenStream(string fullPath) =>
        new(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1, FileOptions.None);

    private torch.Tensor? TryWrapZeroCopy(SafetensorsTensorInfo info)
    {
        long offset = Header.DataSectionOffset + info.DataBegin;
        bool aligned = ((nint)(region.Pointer + offset)) % info.DType.GetItemSize() == 0;
        if (info.ByteLength == 0 || !aligned)
        {
            return null;
        }

        return ZeroCopyTensors.TryCreate(region, offset, info.ByteLength, info.Shape.ToArray(), info.DType.ToScalarType())
            ?? throw new ObjectDisposedException(Path);
    }

    private torch.Tensor CopyRaw(SafetensorsTensorInfo info)
    {
        torch.Tensor tensor = torch.empty(info.Shape.ToArray(), info.DType.ToScalarType());
        if (info.ByteLength > 0)
        {
            byte* source = region.Pointer + Header.DataSectionOffset + info.DataBegin;
            Buffer.MemoryCopy(source, (void*)NativeTorch.DataPointer(tensor), info.ByteLength, info.ByteLength);
        }

        return tensor;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
}
