using System.Collections.Concurrent;

namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>
/// A private temporary folder holding the files extracted from a model zip; disposing deletes it, and folders still
/// there when the process exits are deleted then (for transformers that were never disposed).
/// </summary>
internal sealed class ExtractedDirectory : IDisposable
{
    private static readonly ConcurrentDictionary<ExtractedDirectory, byte> Live = new();
    private int disposed;

    static ExtractedDirectory()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var directory in Live.Keys)
                directory.Dispose();
        };
    }

    private ExtractedDirectory(string path) => Path = path;

    /// <summary>Full path of the folder.</summary>
    public string Path { get; }

    /// <summary>Creates a new, empty folder under the temporary directory.</summary>
    public static ExtractedDirectory Create()
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "blip2-mlnet-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var directory = new ExtractedDirectory(System.IO.Path.GetFullPath(path));
        Live.TryAdd(directory, 0);
        return directory;
    }

    /// <summary>Deletes the folder. Memory-mapped weights stay valid on Linux and macOS; on Windows a mapped file cannot be deleted and is left behind.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        Live.TryRemove(this, out _);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still memory-mapped on Windows; the folder is in the temporary directory and only costs disk space.
        }
    }
}
