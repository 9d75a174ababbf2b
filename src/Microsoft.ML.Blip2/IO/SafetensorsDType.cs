namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// Element types of the safetensors format that this library reads and writes. The member names are the exact
/// strings used in a safetensors header (<c>"F32"</c>, <c>"BF16"</c>, ...).
/// </summary>
public enum SafetensorsDType
{
    /// <summary>64-bit IEEE float (<c>"F64"</c>).</summary>
    F64,

    /// <summary>32-bit IEEE float (<c>"F32"</c>).</summary>
    F32,

    /// <summary>16-bit IEEE half float (<c>"F16"</c>).</summary>
    F16,

    /// <summary>16-bit brain float (<c>"BF16"</c>).</summary>
    BF16,

    /// <summary>Signed 64-bit integer (<c>"I64"</c>).</summary>
    I64,

    /// <summary>Signed 32-bit integer (<c>"I32"</c>).</summary>
    I32,

    /// <summary>Signed 16-bit integer (<c>"I16"</c>).</summary>
    I16,

    /// <summary>Signed 8-bit integer (<c>"I8"</c>).</summary>
    I8,

    /// <summary>Unsigned 8-bit integer (<c>"U8"</c>).</summary>
    U8,

    /// <summary>Boolean stored as one byte, 0 or 1 (<c>"BOOL"</c>).</summary>
    BOOL,
}
