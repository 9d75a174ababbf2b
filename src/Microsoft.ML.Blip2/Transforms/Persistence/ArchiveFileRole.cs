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
