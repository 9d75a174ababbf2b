namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>One file stored in the zip, with the size and SHA-256 checked on load.</summary>
/// <param name="Name">Plain file name (no directories).</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the content.</param>
/// <param name="Role">What the file is for.</param>
internal sealed record ArchiveFile(string Name, long Size, string Sha256, ArchiveFileRole Role);
