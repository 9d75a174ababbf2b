namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>What a stored file is for.</summary>
internal enum ArchiveFileRole
{
    /// <summary>Configuration, preprocessing or tokenizer file.</summary>
    Support,

    /// <summary>Full weights (<c>model.safetensors</c>, or a shard index and its shards).</summary>
    Weights,

    /// <summary>The tensors that differ from the base checkpoint.</summary>
    Delta,
}

/// <summary>One file stored in the zip, with the size and SHA-256 checked on load.</summary>
/// <param name="Name">Plain file name (no directories).</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the content.</param>
/// <param name="Role">What the file is for.</param>
internal sealed record ArchiveFile(string Name, long Size, string Sha256, ArchiveFileRole Role);
