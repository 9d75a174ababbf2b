using Microsoft.ML.Blip2.Processing;
using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Transforms.Data;

/// <summary>
/// Reads a task's inputs from the current row of a <see cref="DataViewRow"/>: the image (decoded at once, so an
/// <see cref="MLImage"/> owned by the upstream getter is never kept) and the optional text. A row whose image cannot be
/// read yields a <see cref="RowInput"/> without image and with the reason.
/// </summary>
internal sealed class RowReader
{
    private readonly DataViewRow row;
    private readonly string imageColumnName;
    private readonly Func<string, DecodedImage> readImage;
    private readonly ValueGetter<ReadOnlyMemory<char>>? getText;
    private MLImage? image;
    private VBuffer<byte> bytes;
    private ReadOnlyMemory<char> path;
    private ReadOnlyMemory<char> text;

    public RowReader(DataViewRow row, InputBinding binding)
    {
        this.row = row;
        imageColumnName = binding.Image.Name;
        var column = row.Schema[binding.Image.Index];
        readImage = binding.ImageKind switch
        {
            ImageColumnKind.Image => ImageReader(row.GetGetter<MLImage>(column)),
            ImageColumnKind.FilePath => PathReader(row.GetGetter<ReadOnlyMemory<char>>(column)),
            ImageColumnKind.EncodedBytes => BytesReader(row.GetGetter<VBuffer<byte>>(column)),
            _ => throw new ArgumentOutOfRangeException(nameof(binding), binding.ImageKind, "Unknown image column kind."),
        };
        if (binding.Text is { } textColumn)
            getText = row.GetGetter<ReadOnlyMemory<char>>(row.Schema[textColumn.Index]);
    }

    /// <summary>Reads the current row.</summary>
    public RowInput Read()
    {
        long position = row.Position;
        string? rowText = null;
        if (getText is not null)
        {
            getText(ref text);
            rowText = text.ToString();
        }

        try
        {
            return new RowInput(position, readImage($"row {position}, column '{imageColumnName}'"), rowText);
        }
        catch (Exception e) when (IsBadInput(e))
        {
            return new RowInput(position, null, rowText, e.Message, e);
        }
    }

    // Failures that describe the row's data (missing or unreadable file, corrupt or unsupported image), not bugs.
    private static bool IsBadInput(Exception e) =>
        e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or InvalidDataException or MissingImageException;

    private Func<string, DecodedImage> ImageReader(ValueGetter<MLImage> getter) => name =>
    {
        getter(ref image!);
        return image is null ? throw new MissingImageException("the MLImage is null (no image was loaded)") : DecodedImage.FromMLImage(image, name);
    };

    private Func<string, DecodedImage> PathReader(ValueGetter<ReadOnlyMemory<char>> getter) => _ =>
    {
        getter(ref path);
        string file = path.ToString();
        return string.IsNullOrWhiteSpace(file) ? throw new MissingImageException("the image path is empty") : DecodedImage.FromFile(file);
    };

    private Func<string, DecodedImage> BytesReader(ValueGetter<VBuffer<byte>> getter) => name =>
    {
        getter(ref bytes);
        if (bytes.Length == 0)
            throw new MissingImageException("the encoded image is empty (0 bytes)");
        var encoded = new byte[bytes.Length];
        bytes.CopyTo(encoded);
        return DecodedImage.FromBytes(encoded, name);
    };

    /// <summary>The row has no image at all.</summary>
    private sealed class MissingImageException(string message) : Exception(message);
}
