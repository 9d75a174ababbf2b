using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// Creates tensors directly over a <see cref="MappedFileRegion"/>. Each tensor holds one reference to the region,
/// released by the native deleter when libtorch frees the tensor's storage (after the last view of it is disposed).
/// </summary>
/// <remarks>
/// The native deleter only receives the data address, so a table maps addresses back to regions. An address can
/// belong to at most one live region (mappings never overlap while mapped and a region stays mapped while a tensor
/// over it lives); zero-element tensors, whose address could equal the end of one mapping and the start of the next,
/// are never created here.
/// </remarks>
internal static unsafe class ZeroCopyTensors
{
    private static readonly object Gate = new();
    private static readonly Dictionary<nint, Lease> Leases = new();

    /// <summary>Number of addresses with live zero-copy tensors, for leak checks in tests.</summary>
    internal static int LiveAddressCount
    {
        get
        {
            lock (Gate)
            {
                return Leases.Count;
            }
        }
    }

    /// <summary>
    /// Wraps <paramref name="byteLength"/> bytes at <paramref name="offset"/> of the region as a tensor, or returns
    /// <see langword="null"/> when the region is already released.
    /// </summary>
    internal static torch.Tensor? TryCreate(MappedFileRegion region, long offset, long byteLength, long[] shape, torch.ScalarType type)
    {
        Debug.Assert(byteLength > 0, "zero-element tensors are never wrapped");
        if (!region.TryAddReference())
        {
            return null;
        }

        byte* data = region.Pointer + offset;
        Register((nint)data, region);
        // If creation fails we cannot tell whether libtorch already ran the deleter, so the reference is kept:
        // a leaked mapping is harmless, unmapping memory another tensor still uses is not.
        return NativeTorch.FromBlob(data, shape, type, &OnStorageFreed);
    }

    private static void Register(nint address, MappedFileRegion region)
    {
        lock (Gate)
        {
            if (Leases.TryGetValue(address, out Lease? lease))
            {
                if (!ReferenceEquals(lease.Region, region))
                {
                    throw new InvalidOperationException($"Address 0x{address:x} is already leased to another live mapping.");
                }

                lease.Count++;
            }
            else
            {
                Leases.Add(address, new Lease(region));
            }
        }
    }

    private static MappedFileRegion? Unregister(nint address)
    {
        lock (Gate)
        {
            if (!Leases.TryGetValue(address, out Lease? lease))
            {
                return null;
            }

            if (--lease.Count == 0)
            {
                Leases.Remove(address);
            }

            return lease.Region;
        }
    }

    // Called by libtorch on whatever thread frees the storage; it must never throw into native code.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnStorageFreed(nint address)
    {
        try
        {
            Unregister(address)?.Release();
        }
        catch (Exception e)
        {
            Debug.Fail($"Releasing the mapping of a zero-copy tensor failed: {e}");
        }
    }

    private sealed class Lease(MappedFileRegion region)
    {
        public MappedFileRegion Region { get; } = region;

        public int Count { get; set; } = 1;
    }
}
