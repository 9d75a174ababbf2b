namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>A file of a model directory as it was when the model was loaded (to notice later changes).</summary>
/// <param name="Name">File name inside the directory.</param>
/// <param name="Path">Full path.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="LastWriteUtc">Last write time.</param>
internal sealed record ModelFile(string Name, string Path, long Length, DateTime LastWriteUtc)
{
    /// <summary>Records the current size and write time of <paramref name="name"/> in <paramref name="directory"/>.</summary>
    public static ModelFile Snapshot(string directory, string name)
    {
        var info = new FileInfo(System.IO.Path.Combine(directory, name));
        if (!info.Exists)
            throw new FileNotFoundException($"Model file '{name}' was not found in '{directory}'.", info.FullName);
        return new ModelFile(name, info.FullName, info.Length, info.LastWriteTimeUtc);
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> when the file was changed or removed since the snapshot.</summary>
    public void VerifyUnchanged()
    {
        var info = new FileInfo(Path);
        if (!info.Exists || info.Length != Length || info.LastWriteTimeUtc != LastWriteUtc)
        {
            string what = info.Exists ? "was modified" : "was deleted";
            throw new InvalidOperationException(
                $"'{Path}' {what} after the model was loaded, so saving would not store the loaded model. Fit the estimator again.");
        }
    }
}
