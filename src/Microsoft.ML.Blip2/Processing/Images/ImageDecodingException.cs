namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// An encoded image (file, stream or byte buffer) could not be decoded: it is empty, truncated, corrupt or in a
/// format or variant this library does not support. <see cref="InputName"/> says which input it was.
/// It is an <see cref="IOException"/>, as Pillow's UnidentifiedImageError is an OSError
/// (<see cref="InvalidDataException"/> is sealed).
/// </summary>
public sealed class ImageDecodingException : IOException
{
    /// <summary>Creates the exception for the input named <paramref name="inputName"/>.</summary>
    /// <param name="inputName">File path or a description such as "byte[] input #2".</param>
    /// <param name="reason">Why decoding failed.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ImageDecodingException(string inputName, string reason, Exception? innerException = null)
        : base($"Cannot decode image {inputName}: {reason}", innerException)
    {
        InputName = inputName;
        Reason = reason;
    }

    /// <summary>File path or description of the input that failed.</summary>
    public string InputName { get; }

    /// <summary>Why decoding failed, without the input name.</summary>
    public string Reason { get; }
}
