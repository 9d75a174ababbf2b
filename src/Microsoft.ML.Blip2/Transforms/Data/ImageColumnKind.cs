using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Transforms.Data;

/// <summary>How a row's image is given.</summary>
internal enum ImageColumnKind
{
    /// <summary>An <see cref="MLImage"/> (e.g. from <c>LoadImages</c>).</summary>
    Image,

    /// <summary>Text: the path of an image file.</summary>
    FilePath,

    /// <summary>A byte vector (<c>byte[]</c> / <c>VBuffer&lt;byte&gt;</c>) holding an encoded image file.</summary>
    EncodedBytes,
}
