namespace Blip2.Trainers.Tests;

/// <summary>A fresh folder under the system temp directory, deleted on dispose.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TemporaryDirectory() => System.IO.Directory.CreateDirectory(Path);

    /// <summary>Its path.</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "blip2-trainers-" + Guid.NewGuid().ToString("N"));

    /// <inheritdoc />
    public void Dispose()
    {
        if (System.IO.Directory.Exists(Path)) System.IO.Directory.Delete(Path, recursive: true);
    }
}
