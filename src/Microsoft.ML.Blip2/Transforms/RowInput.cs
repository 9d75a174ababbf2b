using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Transforms;

/// <summary>The inputs read from one row: the decoded image (or why there is none) and the optional text.</summary>
/// <param name="Position">Row index in the input data.</param>
/// <param name="Image">The decoded image; null when it could not be read.</param>
/// <param name="Text">Question or text of the row, when the task has a text column.</param>
/// <param name="ImageError">Why <paramref name="Image"/> is null.</param>
/// <param name="ImageErrorCause">The exception behind <paramref name="ImageError"/>, if any.</param>
internal sealed record RowInput(long Position, DecodedImage? Image, string? Text, string? ImageError = null, Exception? ImageErrorCause = null);
