namespace Microsoft.ML.Blip2.IO;

/// <summary>
/// A safetensors file, index or checkpoint directory is malformed, inconsistent or unsupported. The message names
/// the file and, when one is involved, the tensor.
/// </summary>
public sealed class SafetensorsException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file or directory at fault.</param>
    /// <param name="tensorName">The tensor at fault, if any.</param>
    /// <param name="problem">What is wrong, without the file/tensor prefix.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public SafetensorsException(string filePath, string? tensorName, string problem, Exception? innerException = null)
        : base(FormatMessage(filePath, tensorName, problem), innerException)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    /// <summary>The file or directory at fault.</summary>
    public string FilePath { get; }

    /// <summary>The tensor at fault, or <see langword="null"/> when the problem is not about one tensor.</summary>
    public string? TensorName { get; }

    private static string FormatMessage(string filePath, string? tensorName, string problem) =>
        tensorName is null
            ? $"{filePath}: {problem}"
            : $"{filePath}: tensor '{tensorName}': {problem}";
}
