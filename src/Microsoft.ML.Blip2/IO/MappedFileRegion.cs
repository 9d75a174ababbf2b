using System.IO.MemoryMappedFiles;

namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// A whole-file copy-on-write memory mapping shared by a <see cref="SafetensorsFile"/> and every zero-copy tensor
/// over it. It is reference counted: the file holds one reference, each live zero-copy tensor one more, and the
/// mapping is unmapped when the last reference is released, whichever comes last.
/// </summary>
/// <remarks>
/// Copy-on-write (MAP_PRIVATE) means an in-place write to a zero-copy tensor modifies a private page of this
/// process only: it can neither fault on a read-only page nor reach the file on disk.
/// </remarks>
internal sealed unsafe class MappedFileRegion
{
    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;
    private int references = 1;

    private MappedFileRegion(MemoryMappedFile file, MemoryMappedViewAccessor view, byte* pointer, long length)
    {
        this.file = file;
        this.view = view;
        Pointer = pointer;
        Length = length;
    }

    /// <summary>Start of the mapped file.</summary>
    internal byte* Pointer { get; }

    /// <summary>Mapped length, the file length.</summary>
    internal long Length { get; }

    /// <summary>Current number of references (the owning file plus live zero-copy tensors).</summary>
    internal int ReferenceCount => Volatile.Read(ref references);

    /// <summary>Whether the mapping has been unmapped.</summary>
    internal bool IsReleased => ReferenceCount == 0;

    /// <summary>Maps <paramref name="stream"/> (taking ownership of it) with one reference for the caller.</summary>
    internal static MappedFileRegion Map(FileStream stream)
    {
        long length = stream.Length;
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            file = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.CopyOnWrite, HandleInheritability.None, leaveOpen: false);
            view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.CopyOnWrite);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new MappedFileRegion(file, view, pointer + view.PointerOffset, length);
        }
        catch
        {
            view?.Dispose();
            if (file is null)
            {
                stream.Dispose();
            }

            file?.Dispose();
            throw;
        }
    }

    /// <summary>Adds a reference unless the mapping is already released.</summary>
    internal bool TryAddReference()
    {
        int current = Volatile.Read(ref references);
        while (current > 0)
        {
            int seen = Interlocked.CompareExchange(ref references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Drops a reference; the last one unmaps the file.</summary>
    internal void Release()
    {
        int remaining = Interlocked.Decrement(ref references);
        if (remaining == 0)
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
            file.Dispose();
        }
        else if (remaining < 0)
        {
            throw new InvalidOperationException("Memory mapping released more often than referenced.");
        }
    }

    /// <summary>Whether [<paramref name="address"/>, +<paramref name="byteLength"/>) lies inside the mapping.</summary>
    internal bool Contains(nint address, long byteLength)
    {
        nint start = (nint)Pointer;
        return address >= start && byteLength >= 0 && address - start <= Length - byteLength;
    }
}
