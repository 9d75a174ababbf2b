using System.Diagnostics.CodeAnalysis;
using TorchSharp;

namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// Item sizes, header names and <see cref="torch.ScalarType"/> mappings of <see cref="SafetensorsDType"/>.
/// </summary>
public static class SafetensorsDTypeExtensions
{
    /// <summary>Size in bytes of one element.</summary>
    /// <param name="dtype">The element type.</param>
    /// <returns>1, 2, 4 or 8.</returns>
    public static int GetItemSize(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F64 or SafetensorsDType.I64 => 8,
        SafetensorsDType.F32 or SafetensorsDType.I32 => 4,
        SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.I16 => 2,
        SafetensorsDType.I8 or SafetensorsDType.U8 or SafetensorsDType.BOOL => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype."),
    };

    /// <summary>The name written in a safetensors header (<c>"F32"</c>, <c>"BF16"</c>, ...).</summary>
    /// <param name="dtype">The element type.</param>
    /// <returns>The header name.</returns>
    public static string ToHeaderName(this SafetensorsDType dtype)
    {
        if (!Enum.IsDefined(dtype))
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype.");
        }

        return dtype.ToString();
    }

    /// <summary>The TorchSharp scalar type with the same memory layout.</summary>
    /// <param name="dtype">The element type.</param>
    /// <returns>The matching <see cref="torch.ScalarType"/>.</returns>
    public static torch.ScalarType ToScalarType(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F64 => torch.ScalarType.Float64,
        SafetensorsDType.F32 => torch.ScalarType.Float32,
        SafetensorsDType.F16 => torch.ScalarType.Float16,
        SafetensorsDType.BF16 => torch.ScalarType.BFloat16,
        SafetensorsDType.I64 => torch.ScalarType.Int64,
        SafetensorsDType.I32 => torch.ScalarType.Int32,
        SafetensorsDType.I16 => torch.ScalarType.Int16,
        SafetensorsDType.I8 => torch.ScalarType.Int8,
        SafetensorsDType.U8 => torch.ScalarType.Byte,
        SafetensorsDType.BOOL => torch.ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype."),
    };

    /// <summary>Maps a TorchSharp scalar type to its safetensors dtype.</summary>
    /// <param name="scalarType">The TorchSharp scalar type.</param>
    /// <param name="dtype">The safetensors dtype when the type is supported.</param>
    /// <returns><see langword="false"/> for types safetensors cannot store here (complex, quantized, ...).</returns>
    public static bool TryFromScalarType(torch.ScalarType scalarType, out SafetensorsDType dtype)
    {
        switch (scalarType)
        {
            case torch.ScalarType.Float64: dtype = SafetensorsDType.F64; return true;
            case torch.ScalarType.Float32: dtype = SafetensorsDType.F32; return true;
            case torch.ScalarType.Float16: dtype = SafetensorsDType.F16; return true;
            case torch.ScalarType.BFloat16: dtype = SafetensorsDType.BF16; return true;
            case torch.ScalarType.Int64: dtype = SafetensorsDType.I64; return true;
            case torch.ScalarType.Int32: dtype = SafetensorsDType.I32; return true;
            case torch.ScalarType.Int16: dtype = SafetensorsDType.I16; return true;
            case torch.ScalarType.Int8: dtype = SafetensorsDType.I8; return true;
            case torch.ScalarType.Byte: dtype = SafetensorsDType.U8; return true;
            case torch.ScalarType.Bool: dtype = SafetensorsDType.BOOL; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>Maps a TorchSharp scalar type to its safetensors dtype.</summary>
    /// <param name="scalarType">The TorchSharp scalar type.</param>
    /// <returns>The safetensors dtype.</returns>
    /// <exception cref="ArgumentException">The type has no safetensors equivalent supported here.</exception>
    public static SafetensorsDType FromScalarType(torch.ScalarType scalarType) =>
        TryFromScalarType(scalarType, out SafetensorsDType dtype)
            ? dtype
            : throw new ArgumentException($"Tensor element type {scalarType} cannot be stored in a safetensors file (supported: {SupportedNames}).", nameof(scalarType));

    /// <summary>Parses a header dtype name. Names are case-sensitive, as in the format.</summary>
    /// <param name="name">The header name, e.g. <c>"F16"</c>.</param>
    /// <param name="dtype">The parsed dtype.</param>
    /// <returns><see langword="false"/> for unknown or unsupported names.</returns>
    public static bool TryParse([NotNullWhen(true)] string? name, out SafetensorsDType dtype)
    {
        switch (name)
        {
            case "F64": dtype = SafetensorsDType.F64; return true;
            case "F32": dtype = SafetensorsDType.F32; return true;
            case "F16": dtype = SafetensorsDType.F16; return true;
            case "BF16": dtype = SafetensorsDType.BF16; return true;
            case "I64": dtype = SafetensorsDType.I64; return true;
            case "I32": dtype = SafetensorsDType.I32; return true;
            case "I16": dtype = SafetensorsDType.I16; return true;
            case "I8": dtype = SafetensorsDType.I8; return true;
            case "U8": dtype = SafetensorsDType.U8; return true;
            case "BOOL": dtype = SafetensorsDType.BOOL; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>Parses a header dtype name. Names are case-sensitive, as in the format.</summary>
    /// <param name="name">The header name, e.g. <c>"F16"</c>.</param>
    /// <returns>The parsed dtype.</returns>
    /// <exception cref="FormatException">Unknown or unsupported name.</exception>
    public static SafetensorsDType Parse(string name) =>
        TryParse(name, out SafetensorsDType dtype)
            ? dtype
            : throw new FormatException($"Unknown or unsupported safetensors dtype '{name}' (supported: {SupportedNames}).");

    /// <summary>Comma-separated list of the supported header names, for error messages.</summary>
    internal static string SupportedNames => string.Join(", ", Enum.GetNames<SafetensorsDType>());

    /// <summary>
    /// Rank of the dtype in the Rust crate's <c>Dtype</c> enum, which is declared in increasing alignment order;
    /// the writer sorts tensors by this rank, descending, like <c>safetensors::tensor::prepare</c>.
    /// </summary>
    internal static int AlignmentRank(this SafetensorsDType dtype) => dtype switch
    {
        // Rust order: BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64.
        SafetensorsDType.BOOL => 0,
        SafetensorsDType.U8 => 1,
        SafetensorsDType.I8 => 2,
        SafetensorsDType.I16 => 5,
        SafetensorsDType.F16 => 7,
        SafetensorsDType.BF16 => 8,
        SafetensorsDType.I32 => 9,
        SafetensorsDType.F32 => 11,
        SafetensorsDType.F64 => 12,
        SafetensorsDType.I64 => 13,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype."),
    };
}
