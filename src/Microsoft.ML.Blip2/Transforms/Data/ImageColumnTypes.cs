using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Blip2.Transforms.Data;

/// <summary>Which column types can hold images.</summary>
internal static class ImageColumnTypes
{
    /// <summary>Human-readable list of the accepted types, for errors.</summary>
    public const string Expected = "MLImage, Text (an image file path) or a vector of Byte (an encoded image file)";

    /// <summary>The kind of image column <paramref name="type"/> is, or null when it cannot hold images.</summary>
    public static ImageColumnKind? Classify(DataViewType type) => type switch
    {
        ImageDataViewType => ImageColumnKind.Image,
        TextDataViewType => ImageColumnKind.FilePath,
        VectorDataViewType vector when vector.ItemType == NumberDataViewType.Byte => ImageColumnKind.EncodedBytes,
        _ => null,
    };

    /// <summary>The kind of image column <paramref name="column"/> describes, or null when it cannot hold images.</summary>
    public static ImageColumnKind? Classify(SchemaShape.Column column) => column.Kind switch
    {
        SchemaShape.Column.VectorKind.Scalar when column.ItemType is ImageDataViewType => ImageColumnKind.Image,
        SchemaShape.Column.VectorKind.Scalar when column.ItemType is TextDataViewType => ImageColumnKind.FilePath,
        SchemaShape.Column.VectorKind.Vector or SchemaShape.Column.VectorKind.VariableVector
            when column.ItemType == NumberDataViewType.Byte && !column.IsKey => ImageColumnKind.EncodedBytes,
        _ => null,
    };
}
