namespace Microsoft.ML.Blip2.Transforms;

/// <summary>
/// A row's image could not be read or decoded by a BLIP-2 transformer (with <c>FailOnBadImage</c> on, the default).
/// An <see cref="IOException"/>, like <see cref="Processing.ImageDecodingException"/> (<see cref="InvalidDataException"/> is sealed).
/// </summary>
public sealed class ImageRowException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="rowIndex">Index of the row in the input data.</param>
    /// <param name="columnName">The image column.</param>
    /// <param name="reason">Why the image could not be read.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ImageRowException(long rowIndex, string columnName, string reason, Exception? innerException = null)
        : base($"Row {rowIndex}: cannot read the image in column '{columnName}': {reason} " +
               "(set FailOnBadImage = false to get an empty output and a false status for such rows).", innerException)
    {
        RowIndex = rowIndex;
        ColumnName = columnName;
        Reason = reason;
    }

    /// <summary>Index of the row in the input data.</summary>
    public long RowIndex { get; }

    /// <summary>The image column.</summary>
    public string ColumnName { get; }

    /// <summary>Why the image could not be read.</summary>
    public string Reason { get; }
}
